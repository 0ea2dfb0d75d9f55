package Cognito;

# The one module every t/*.t uses:
#
#     use lib 't/lib';
#     use Cognito 'no_plan';      # or: use Cognito; plan tests => ...;
#
# It loads the real Test::Nginx::Socket (openresty/test-nginx) when it can
# be required, else the project's fallback runner in t/lib/fallback, and
# exports the same functions into the test file (plan, run_tests,
# repeat_each, blocks, add_block_preprocessor, master_on, workers, ...).
# Arguments are passed on to Test::Nginx::Socket's import, so
# `use Cognito 'no_plan'` means `use Test::Nginx::Socket 'no_plan'`.
#
# It also sets the TEST_NGINX_* defaults, mints Cognito-like JWTs for the
# blocks (Cognito::access_token, Cognito::id_token) and adds the default
# http_config (a cognito pool and the JWKS mock server).  See t/README.md.

use strict;
use warnings;

use Cwd ();
use File::Basename ();
use File::Spec ();

our $VERSION = '0.01';

our $TDir;      # absolute t/
our $TopDir;    # absolute repository root
BEGIN {
    my $file = Cwd::abs_path(__FILE__);
    $TDir = File::Basename::dirname(File::Basename::dirname($file));
    $TopDir = File::Basename::dirname($TDir);
}

our $DataDir = "$TDir/data";
our $Runner;    # 'real' or 'fallback'
our $ModuleSo = "$TopDir/build/modules/ngx_http_cognito_auth_module.so";
our $EchoSo = '/usr/lib/nginx/modules/ngx_http_echo_module.so';
our $HeadersMoreSo =
    '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so';

our $Issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1';
our $Sub = '11111111-2222-3333-4444-555555555555';
our $ClientId = 'testclient1';
our %KidOfKey = ('rsa1' => 'test-key-1', 'rsa2' => 'test-key-2',
                 'rsa-rotated' => 'test-key-3');

# ------------------------------------------------------------ environment

sub _which {
    my $cmd = shift;
    for my $dir (split /:/, $ENV{PATH} // '') {
        next if $dir eq '';
        return "$dir/$cmd" if -f "$dir/$cmd" && -x _;
    }
    return undef;
}

sub _set_env_defaults {
    $ENV{TEST_NGINX_BINARY} ||= _which('nginx')
        || (-x '/usr/sbin/nginx' ? '/usr/sbin/nginx' : 'nginx');

    if (!defined $ENV{TEST_NGINX_LOAD_MODULES}) {
        my @mods;
        if (-f $ModuleSo) {
            push @mods, $ModuleSo;
        } else {
            # Left out so that blocks without cognito directives (the
            # harness self-test) still run; blocks using the module then
            # fail with 'unknown directive "cognito_auth_..."'.
            warn "# Cognito.pm: $ModuleSo not built (run: make build);"
                 . " cognito_auth_* directives will be unknown\n";
        }
        push @mods, $EchoSo if -f $EchoSo;
        push @mods, $HeadersMoreSo if -f $HeadersMoreSo;
        $ENV{TEST_NGINX_LOAD_MODULES} = join ' ', @mods;
    }

    $ENV{TEST_NGINX_DATA_DIR} ||= $DataDir;
    $ENV{TEST_NGINX_JWKS_PORT} ||= 1985;
    $ENV{TEST_NGINX_BACKEND_PORT} ||= 1986;   # a second server block in the same nginx (backends)
    $ENV{TEST_NGINX_SERVER_PORT} ||= $ENV{TEST_NGINX_PORT} || 1984;
    $ENV{TEST_NGINX_HTML_DIR} ||=
        ($ENV{TEST_NGINX_SERVROOT} || File::Spec->rel2abs('t/servroot'))
        . '/html';

    # ours: a library preloaded into nginx only (e.g. the ASan runtime);
    # the real Test::Nginx knows this as TEST_NGINX_LD_PRELOAD.
    if (defined $ENV{TEST_NGINX_PRELOAD} && length $ENV{TEST_NGINX_PRELOAD}
        && !defined $ENV{TEST_NGINX_LD_PRELOAD})
    {
        $ENV{TEST_NGINX_LD_PRELOAD} = $ENV{TEST_NGINX_PRELOAD};
    }
}

sub _load_runner {
    return if $Runner;
    if (!$ENV{TEST_NGINX_USE_FALLBACK}) {
        if (eval { require Test::Nginx::Socket; 1 }) {
            $Runner = 'real';
            return;
        }
        my $err = $@;
        # the real module exists but does not load: say so, do not hide it
        die $err unless $err =~ m{^Can't locate Test/Nginx/Socket\.pm in \@INC};
    }
    unshift @INC, "$TDir/lib/fallback";
    require Test::Nginx::Socket;
    $Runner = 'fallback';
}

sub loaded_modules {
    return grep { length } split /\s+/, $ENV{TEST_NGINX_LOAD_MODULES} // '';
}

sub has_echo {
    return scalar grep { m{ngx_http_echo_module\.so$} } loaded_modules();
}

sub has_headers_more {
    return scalar grep { m{ngx_http_headers_more_filter_module\.so$} }
        loaded_modules();
}

our $DefaultPool = <<'_EOC_';
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1,testclient2 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
_EOC_

sub jwks_mock_server {
    my $slow = has_echo()
        ? "        location = /slow { echo_sleep 5; echo '{}'; }\n" : '';
    return <<"_EOC_";

    # JWKS mock (t/lib/Cognito.pm): serves t/data
    server {
        listen 127.0.0.1:\$TEST_NGINX_JWKS_PORT;
        location / { root \$TEST_NGINX_DATA_DIR; }
        location = /status/500 { return 500; }
        location = /status/404 { return 404; }
$slow    }
_EOC_
}

sub _preprocess_block {
    my $block = shift;
    my $http_config = $block->http_config // '';
    if ($http_config !~ /cognito_auth_(?:pool|zone)|cognito_auth_ none/) {
        $http_config = $DefaultPool . $http_config;
    }
    if ($http_config !~ /# no jwks mock/) {
        $http_config .= jwks_mock_server();
    }
    $block->set_value('http_config', $http_config);
}

my $imported;

sub import {
    my $class = shift;
    _set_env_defaults();
    _load_runner();
    if (!$imported++) {
        Test::Nginx::Socket::add_block_preprocessor(\&_preprocess_block);
    }
    # Test::Nginx::Socket's import (Test::Base/Spiffy) exports into its
    # caller: keep the test file as the caller.
    @_ = ('Test::Nginx::Socket', @_);
    goto &{ Test::Nginx::Socket->can('import') };
}

# ------------------------------------------------------------ tokens

sub _b64url {
    require MIME::Base64;
    my $s = MIME::Base64::encode_base64(shift, '');
    $s =~ tr{+/}{-_};
    $s =~ s/=+$//;
    return $s;
}

sub _json {
    require JSON::PP;
    return JSON::PP->new->canonical(1)->encode(shift);
}

sub key_file {
    my $name = shift // 'rsa1';
    return "$DataDir/$name.pem";
}

# jwt(%args): the general minting function, with no default claims.
# Keys of %args starting with "-" are options, the rest are claims; a claim
# given as undef is removed.  Options:
#   -key    => 'rsa1' | 'rsa2' | 'rsa-rotated'   (t/data/<name>.pem)
#   -kid    => 'kid' (default: the kid of -key), undef: no kid at all
#   -alg    => 'RS256' (default) | 'none' | 'HS256' ... any Crypt::JWT alg
#   -secret => HMAC key for HS* (default 'secret')
#   -header => { extra header fields }
sub jwt {
    my %args = @_;
    my %opt;
    for my $k (grep { /^-/ } keys %args) {
        $opt{$k} = delete $args{$k};
    }
    for my $k (keys %args) {
        delete $args{$k} unless defined $args{$k};
    }
    for my $k (qw(exp iat nbf auth_time)) {
        $args{$k} += 0 if defined $args{$k} && $args{$k} =~ /^-?\d+(?:\.\d+)?$/;
    }

    my $keyname = exists $opt{-key} ? $opt{-key} : 'rsa1';
    my $alg = $opt{-alg} // 'RS256';
    my %header = %{ $opt{-header} || {} };
    my $kid = exists $opt{-kid} ? $opt{-kid} : $KidOfKey{$keyname};
    $header{kid} = $kid if defined $kid && !exists $header{kid};

    if ($alg eq 'none') {
        my %h = (alg => 'none', typ => 'JWT', %header);
        return _b64url(_json(\%h)) . '.' . _b64url(_json(\%args)) . '.';
    }

    require Crypt::JWT;
    my $key;
    if ($alg =~ /^HS/) {
        $key = $opt{-secret} // 'secret';
    } else {
        require Crypt::PK::RSA;
        $key = Crypt::PK::RSA->new(key_file($keyname));
    }
    return Crypt::JWT::encode_jwt(payload => \%args, alg => $alg, key => $key,
                                  extra_headers => \%header);
}

sub _jti {
    return sprintf '%08x-%04x-4%03x-%04x-%012x', int(rand(2**32)),
        int(rand(2**16)), int(rand(2**12)), 0x8000 | int(rand(2**14)),
        int(rand(2**48));
}

sub access_token {
    my $now = time;
    return jwt(iss => $Issuer, sub => $Sub, token_use => 'access',
               client_id => $ClientId, username => 'alice',
               scope => 'openid profile', auth_time => $now, iat => $now,
               exp => $now + 3600, jti => _jti(), origin_jti => _jti(),
               @_);
}

sub id_token {
    my $now = time;
    return jwt(iss => $Issuer, sub => $Sub, token_use => 'id',
               aud => $ClientId, 'cognito:username' => 'alice',
               email => 'alice@example.com', auth_time => $now, iat => $now,
               exp => $now + 3600, jti => _jti(), origin_jti => _jti(),
               @_);
}

# "Authorization: Bearer <access token>" for --- more_headers eval
sub bearer {
    return 'Authorization: Bearer ' . access_token(@_);
}

# ------------------------------------------------------------ sign-in

# sealed(\%content, %opt): JSON sealed as the module seals its cookies (JWE
# dir + A256GCM, kid: six bytes of the key's SHA-256), under the first key
# of t/data/session.keys, or -keys => 'session-other' for another file
sub sealed {
    my ($content, %opt) = @_;
    my $file = "$DataDir/" . ($opt{-keys} // 'session') . '.keys';
    open my $fh, '<', $file or die "$file: $!";
    my ($line) = grep { /^[A-Za-z0-9_-]{43}$/ } map { s/\s+$//r } <$fh>;
    close $fh;
    require MIME::Base64;
    require Digest::SHA;
    require Crypt::JWT;
    (my $b64 = $line) =~ tr{-_}{+/};
    my $key = MIME::Base64::decode_base64($b64 . '=');
    my $kid = _b64url(substr(Digest::SHA::sha256($key), 0, 6));
    return Crypt::JWT::encode_jwt(payload => _json($content), alg => 'dir',
                                  enc => 'A256GCM', key => $key,
                                  extra_headers => { kid => $kid });
}

# the state cookie of a sign-in in progress: state "S" x 32, nonce "N" x 32,
# verifier "V" x 64, url "/app/page?x=1", 10 minutes; any of them given
sub login_cookie {
    my %a = (state => 'S' x 32, nonce => 'N' x 32, verifier => 'V' x 64,
             url => '/app/page?x=1', exp => time + 600, @_);
    my %opt = map { $_ => delete $a{$_} } grep { /^-/ } keys %a;
    return sealed({ s => $a{state}, n => $a{nonce}, v => $a{verifier},
                    u => $a{url}, e => $a{exp} + 0 }, %opt);
}

# JWKS document with the public keys of the named fixtures
sub jwks_json {
    my @names = @_ ? @_ : ('rsa1', 'rsa2');
    require Crypt::PK::RSA;
    my @keys;
    for my $name (@names) {
        my $jwk = Crypt::PK::RSA->new(key_file($name))
                  ->export_key_jwk('public', 1);
        push @keys, { alg => 'RS256', e => $jwk->{e},
                      kid => $KidOfKey{$name} // $name, kty => 'RSA',
                      n => $jwk->{n}, use => 'sig' };
    }
    return _json({ keys => \@keys });
}

1;
