# Gateway 5 (conf-examples/weather.conf and conf-examples/ingress-nginx/):
# GET /weatherforecast needs the scope test/weatherforcastapi, /health is
# open.  The ingress-nginx blocks assemble what the controller would
# generate from the ConfigMap's http-snippet, the Ingress's server-snippet
# and configuration-snippet (around a proxy_pass to the service), as
# ingress-nginx puts them, and check the main-snippet's load_module path.

use lib 't/lib';
use Cognito 'no_plan';
use ConfExample;

our $Backend = <<'_EOC_';

    # weather service stand-in
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            echo "$request_method $request_uri caller=[$http_x_caller_client_id]";
        }
    }
_EOC_

my @to_backend = (subst => [qr/127\.0\.0\.1:5000/ => '127.0.0.1:$TEST_NGINX_BACKEND_PORT']);
our $Http = ConfExample::http_config('weather.conf', @to_backend) . $Backend;
our $Config = ConfExample::config('weather.conf', @to_backend);

# ingress-nginx: the snippets, in the places the controller puts them
my $dir = 'ingress-nginx';
our $IngressHttp = ConfExample::rewrite(
        ConfExample::yaml_block("$dir/configmap.yaml", 'http-snippet'))
    . $Backend;
our $IngressConfig = ConfExample::rewrite(
        ConfExample::yaml_block("$dir/ingress.yaml",
                                'nginx.ingress.kubernetes.io/server-snippet'))
    . "location = /weatherforecast {\n"
    . ConfExample::rewrite(
        ConfExample::yaml_block("$dir/ingress.yaml",
                                'nginx.ingress.kubernetes.io/configuration-snippet'))
    . "    proxy_pass http://127.0.0.1:\$TEST_NGINX_BACKEND_PORT;\n}\n"
    . "location = /health {\n"
    . "    proxy_pass http://127.0.0.1:\$TEST_NGINX_BACKEND_PORT;\n}\n";

sub token {
    return "Authorization: Bearer " . Cognito::access_token(@_);
}

no_root_location();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: plain nginx: the scope test/weatherforcastapi gets the forecast
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /weatherforecast
--- more_headers eval
main::token(scope => "test/weatherforcastapi", username => undef)
--- response_body
GET /weatherforecast caller=[testclient1]
--- no_error_log
[error]
[alert]



=== TEST 2: plain nginx: another scope: 403 insufficient_scope
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /weatherforecast
--- more_headers eval
main::token(scope => "test/other openid")
--- error_code: 403
--- response_headers_like
WWW-Authenticate: .*error="insufficient_scope".*



=== TEST 3: plain nginx: no token: 401; /health is open
--- http_config eval: $::Http
--- config eval: $::Config
--- request eval
["GET /weatherforecast", "GET /health"]
--- error_code eval
[401, 200]
--- response_body_like eval
[qr/token/, qr{^GET /health caller=\[\]$}]



=== TEST 4: ingress-nginx snippets: the scope gets the forecast
--- http_config eval: $::IngressHttp
--- config eval: $::IngressConfig
--- request
GET /weatherforecast
--- more_headers eval
main::token(scope => "test/weatherforcastapi")
--- response_body
GET /weatherforecast caller=[testclient1]
--- no_error_log
[error]
[alert]



=== TEST 5: ingress-nginx snippets: an expired token: 401, another scope: 403, /health open
--- http_config eval: $::IngressHttp
--- config eval: $::IngressConfig
--- request eval
["GET /weatherforecast", "GET /weatherforecast", "GET /health"]
--- more_headers eval
main::token(scope => "test/weatherforcastapi", iat => time - 7200, exp => time - 3600)
--- error_code eval
[401, 401, 200]



=== TEST 6: ingress-nginx snippets: a token without the scope: 403
--- http_config eval: $::IngressHttp
--- config eval: $::IngressConfig
--- request
GET /weatherforecast
--- more_headers eval
main::token(scope => "openid")
--- error_code: 403



=== TEST 7: the ConfigMap and the Helm values load the module from where docker/ingress-nginx/Dockerfile puts it, with the same http-snippet
--- config
    location = /t { return 200 "ok\n"; }
--- init
my $main = ConfExample::yaml_block('ingress-nginx/configmap.yaml', 'main-snippet');
main::is($main, "load_module /etc/nginx/modules/ngx_http_cognito_auth_module.so;\n",
         "main-snippet");
main::is(ConfExample::yaml_block('ingress-nginx/helm-values.yaml', 'main-snippet'), $main,
         "helm main-snippet");
main::is(ConfExample::yaml_block('ingress-nginx/helm-values.yaml', 'http-snippet'),
         ConfExample::yaml_block('ingress-nginx/configmap.yaml', 'http-snippet'),
         "helm http-snippet");
my $df = ConfExample::slurp("$ConfExample::TopDir/docker/ingress-nginx/Dockerfile");
main::like($df, qr{/etc/nginx/modules/?\s}, "Dockerfile installs into /etc/nginx/modules");
--- request
GET /t
--- response_body
ok
