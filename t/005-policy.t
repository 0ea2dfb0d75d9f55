# Per-location policy: groups, scopes (any of a line, all lines), require,
# tenant; a valid token that fails policy gets 403.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: in one of the groups
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_require_group admins editors;
        echo "groups=$cognito_groups";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["viewers", "editors"])
--- response_body
groups=viewers,editors
--- no_error_log
[error]
[alert]



=== TEST 2: in none of the groups: 403
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_require_group admins editors;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["viewers"])
--- error_code: 403
--- response_body
{"error":"forbidden","error_description":"not in a required group"}
--- response_headers
!WWW-Authenticate
--- error_log
cognito auth: access denied: group_denied (not in a required group), pool "test", sub "11111111-2222-3333-4444-555555555555"



=== TEST 3: no groups claim at all: 403
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token()
--- error_code: 403



=== TEST 4: repeated lines must all hold
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_require_group admins editors;
        cognito_auth_require_group tenant-acme;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["editors"])
--- error_code: 403



=== TEST 5: repeated lines, all held
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_require_group admins editors;
        cognito_auth_require_group tenant-acme;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["editors", "tenant-acme"])
--- response_body
ok



=== TEST 6: a group name is matched whole, not as a substring
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["superadmins", "admin"])
--- error_code: 403



=== TEST 7: scope present (client credentials token)
--- config
    location = /shows {
        cognito_auth test;
        cognito_auth_token_use access;
        cognito_auth_require_scope shows/shows.read;
        echo "scope=$cognito_scope client=$cognito_client_id";
    }
--- request
GET /shows
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(scope => "shows/shows.read shows/shows.write", username => undef)
--- response_body
scope=shows/shows.read shows/shows.write client=testclient1



=== TEST 8: scope missing: 403 insufficient_scope
--- config
    location = /shows {
        cognito_auth test;
        cognito_auth_require_scope shows/shows.write;
        echo ok;
    }
--- request
GET /shows
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(scope => "shows/shows.read")
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="cognito", error="insufficient_scope", error_description="insufficient scope"
--- response_body
{"error":"insufficient_scope","error_description":"insufficient scope"}



=== TEST 9: a scope is a whole word
--- config
    location = /t { cognito_auth test; cognito_auth_require_scope shows/shows.read; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(scope => "shows/shows.readwrite xshows/shows.read")
--- error_code: 403



=== TEST 10: require with a map: 403 by default
--- http_config
    map $cognito_username $is_alice { alice 1; default 0; }
--- config
    location = /t { cognito_auth test; cognito_auth_require $is_alice; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(username => "bob")
--- error_code: 403
--- error_log
cognito auth: access denied: require_failed (requirement not met), pool "test", sub "11111111-2222-3333-4444-555555555555"



=== TEST 11: require with error=401
--- config
    location = /t { cognito_auth test; cognito_auth_require $cognito_tenant error=401; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito", error="invalid_token", error_description="requirement not met"
--- response_body
{"error":"invalid_token","error_description":"requirement not met"}



=== TEST 12: require holds
--- http_config
    map $cognito_username $is_alice { alice 1; default 0; }
--- config
    location = /t { cognito_auth test; cognito_auth_require $is_alice $cognito_sub; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
ok



=== TEST 13: tenant from a claim
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant claim=custom:clientId;
        echo "tenant=$cognito_tenant";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("custom:clientId" => "acme-42")
--- response_body
tenant=acme-42



=== TEST 14: tenant from the group naming rule (first capture)
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant group=^tenant-(.+)$;
        echo "tenant=$cognito_tenant";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["admins", "tenant-globex", "tenant-acme"])
--- response_body
tenant=globex



=== TEST 15: tenant required but absent: 403
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant group=^tenant-(.+)$ required;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["admins"])
--- error_code: 403
--- error_log
cognito auth: access denied: tenant_missing (no tenant), pool "test", sub "11111111-2222-3333-4444-555555555555"



=== TEST 16: policy inherits from server to location
--- config
    cognito_auth test;
    cognito_auth_require_group admins;
    location = /t { echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["viewers"])
--- error_code: 403



=== TEST 17: cognito_auth off in a location below a protected server
--- config
    cognito_auth test;
    location = /health { cognito_auth off; echo healthy; }
--- request
GET /health
--- response_body
healthy



=== TEST 18: claim_set with nested keys and arrays (an access token's aud array)
--- http_config
    cognito_auth_claim_set $country address country;
    cognito_auth_claim_set $aud_list aud;
--- config
    location = /t {
        cognito_auth test;
        echo "country=$country aud=$aud_list";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(address => { country => "NZ" }, aud => ["testclient1", "x"])
--- response_body
country=NZ aud=testclient1,x



=== TEST 19: one request's policy never leaks into the next
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant claim=custom:tenant;
        echo "tenant=$cognito_tenant";
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . Cognito::id_token("custom:tenant" => "one"),
 "Authorization: Bearer " . Cognito::id_token("custom:tenant" => "two")]
--- response_body eval
["tenant=one\n", "tenant=two\n"]



=== TEST 20: a 403's log line: the reason code, the pool and the sub, escaped as $cognito_sub is
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_require_scope shows/shows.read;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(sub => "u-1\r\n\x01[error]", scope => "openid")
--- error_code: 403
--- error_log
cognito auth: access denied: scope_denied (insufficient scope), pool "test", sub "u-1%0D%0A%01[error]"
--- no_error_log
[alert]



=== TEST 21: a 401's log line: the reason code and the pool the token was checked with
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(exp => time - 3600)
--- error_code: 401
--- error_log
cognito auth: token rejected: token_expired (token expired), pool "test"
