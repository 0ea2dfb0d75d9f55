package Hostile;

# Hand-built JWTs for the t/03x-hostile-*.t files:
# the header and payload are given as raw JSON text (so they may hold
# duplicate keys, deep nesting, huge numbers, NUL escapes, invalid UTF-8)
# and signed as given, with an RSA fixture key or an HMAC secret.
#
#   Hostile::token(header => '{"alg":"RS256","kid":"test-key-1"}',
#                  payload => Hostile::claims(exp => '"soon"'));
#
# claims(%raw) gives the JSON of a valid Cognito access token (as
# Cognito::access_token) in which each given claim is replaced by the raw
# JSON text given (undef removes it); claims are kept in a fixed order.

use strict;
use warnings;

use MIME::Base64 ();
use Digest::SHA ();

sub b64u {
    my $s = MIME::Base64::encode_base64(shift, '');
    $s =~ tr{+/}{-_};
    $s =~ s/=+$//;
    return $s;
}

# JSON string literal, ASCII only (\u escapes for everything else)
sub jstr {
    my $s = shift;
    require JSON::PP;
    return JSON::PP->new->ascii->allow_nonref->encode($s);
}

sub _key {
    my $name = shift // 'rsa1';
    require Crypt::PK::RSA;
    return Crypt::PK::RSA->new("$ENV{TEST_NGINX_DATA_DIR}/$name.pem");
}

# the RSA public key of a fixture as PEM text or DER bytes
sub public_pem { return _key(shift)->export_key_pem('public_x509') }
sub public_der { return _key(shift)->export_key_der('public') }

# header(%h): alg and kid are plain strings (undef: left out), any other
# field is raw JSON text
sub header {
    my %h = (alg => 'RS256', kid => 'test-key-1', @_);
    return '{' . join(',', map { jstr($_) . ':'
                                 . ($_ eq 'alg' || $_ eq 'kid' ? jstr($h{$_}) : $h{$_}) }
                          grep { defined $h{$_} } sort keys %h) . '}';
}

my @Order = qw(iss sub token_use client_id aud username cognito:username
               scope auth_time iat nbf exp jti);

sub claims {
    my %raw = @_;
    my $now = time;
    my %c = (
        iss => jstr($Cognito::Issuer // 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1'),
        sub => jstr('11111111-2222-3333-4444-555555555555'),
        token_use => '"access"',
        client_id => '"testclient1"',
        username => '"alice"',
        scope => '"openid profile"',
        auth_time => $now,
        iat => $now,
        exp => $now + 3600,
        jti => jstr(sprintf 'h-%08x', int rand 2**32),
    );
    for my $k (keys %raw) {
        if (defined $raw{$k}) { $c{$k} = $raw{$k} } else { delete $c{$k} }
    }
    my %seen;
    my @keys = ((grep { exists $c{$_} && !$seen{$_}++ } @Order),
                (grep { !$seen{$_}++ } sort keys %c));
    return '{' . join(',', map { jstr($_) . ':' . $c{$_} } @keys) . '}';
}

# id token claims: aud and cognito:username instead of client_id/username
sub id_claims {
    return claims(token_use => '"id"', client_id => undef, username => undef,
                  scope => undef, aud => '"testclient1"',
                  'cognito:username' => '"alice"', @_);
}

# sign(alg, input, key): RS*: key is a fixture name; HS*: key is the secret
sub sign {
    my ($alg, $input, $key) = @_;
    my ($kind, $bits) = $alg =~ /^(RS|HS)(256|384|512)$/i
        or die "Hostile::sign: cannot sign with '$alg'\n";
    if (uc $kind eq 'HS') {
        my $f = \&{"Digest::SHA::hmac_sha$bits"};
        return $f->($input, $key // 'secret');
    }
    return _key($key)->sign_message($input, "SHA$bits", 'v1.5');
}

# token(header => json, payload => json, sign_alg => ..., key => ...):
# the signature is made with sign_alg (default: RS256 with rsa1), whatever
# the header claims; sign_alg => '' leaves the signature empty.
sub token {
    my %a = @_;
    my $h = $a{header} // header();
    my $p = $a{payload} // claims();
    my $input = b64u($h) . '.' . b64u($p);
    my $alg = exists $a{sign_alg} ? $a{sign_alg} : 'RS256';
    return "$input." unless length $alg;
    return "$input." . b64u(sign($alg, $input, $a{key}));
}

# a JWKS document: each key is [fixture, kid, alg-or-undef]
sub jwks {
    my @keys;
    require Crypt::PK::RSA;
    for my $k (@_) {
        my ($name, $kid, $alg) = @$k;
        my $jwk = _key($name)->export_key_jwk('public', 1);
        push @keys, '{' . join(',',
            (defined $alg ? ('"alg":' . jstr($alg)) : ()),
            '"e":' . jstr($jwk->{e}), '"kid":' . jstr($kid),
            '"kty":"RSA"', '"n":' . jstr($jwk->{n}), '"use":"sig"') . '}';
    }
    return '{"keys":[' . join(',', @keys) . ']}';
}

sub bearer { return 'Authorization: Bearer ' . shift }

# noncanonical(segment, bits): the same bytes in another base64url form, the
# unused low bits of the last character or'ed with bits (default 1); undef
# when the segment's length leaves no unused bits (a multiple of 4)
sub noncanonical {
    my ($seg, $bits) = @_;
    my $abc = join '', 'A' .. 'Z', 'a' .. 'z', '0' .. '9', '-', '_';
    my $r = length($seg) % 4;
    return undef unless $r == 2 || $r == 3;
    my $mask = $r == 2 ? 0x0f : 0x03;
    my $v = index $abc, substr($seg, -1);
    substr($seg, -1) = substr $abc, $v | ($mask & ($bits // 1)), 1;
    return $seg;
}

# The hostile files' common frame, installed by setup(): every block gets
# big header buffers (so that nginx does not answer 400 before the module
# sees an 8 KiB+ token) and /why, a server-level error_page that keeps the
# module's status and answers "<status> <$cognito_error>"; unless the block
# has its own config, the locations /t (any token_use), /a (access only)
# and /i (id only); GET /t unless it has its own request; and no [alert]
# (a crashed worker logs "[alert] ... exited on signal"), [crit] or
# [emerg] unless it lists its own patterns.  The token helpers below are
# callable from the blocks' eval sections as main::name or name.

our $Preamble = <<'_EOC_';
    large_client_header_buffers 4 64k;
    error_page 401 403 503 /why;
    location = /why { internal; echo "$status $cognito_error"; }
_EOC_

our $Locations = <<'_EOC_';
    location = /t { cognito_auth test; echo "ok $cognito_username"; }
    location = /a { cognito_auth test; cognito_auth_token_use access; echo "ok $cognito_username"; }
    location = /i { cognito_auth test; cognito_auth_token_use id; echo "ok $cognito_username"; }
_EOC_

sub setup {
    main::add_block_preprocessor(sub {
        my $block = shift;
        $block->set_value('config', $Preamble . ($block->config // $Locations));
        $block->set_value('request', "GET /t")
            unless defined $block->request || defined $block->raw_request;
        $block->set_value('no_error_log', "[alert]\n[crit]\n[emerg]\n")
            unless defined $block->no_error_log;
    });

    no strict 'refs';
    *{"main::$_"} = \&{"Hostile::$_"}
        for qw(sized_token std_alphabet_token raw_get tok idtok raw);
}

# a valid access token of exactly $len bytes (padded with a "pad" claim)
sub sized_token {
    my $len = shift;
    my $t0 = token(payload => claims(pad => '""'));
    my $guess = int(($len - length $t0) * 3 / 4) - 3;
    for my $pad ($guess .. $guess + 8) {
        next if $pad < 0;
        my $t = token(payload => claims(pad => '"' . ('x' x $pad) . '"'));
        return $t if length $t == $len;
    }
    die "no token of exactly $len bytes\n";
}

# a valid token whose signature holds '-' or '_', rewritten in base64's
# '+' '/' alphabet (and '=' padding)
sub std_alphabet_token {
    while (1) {
        my $t = token();
        my ($hp, $sig) = $t =~ /^(.*)\.([^.]+)$/;
        next unless $sig =~ /[-_]/;
        $sig =~ tr{-_}{+/};
        return "$hp.$sig==";
    }
}

sub raw_get {
    my $auth = shift;
    return "GET /t HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
           . $auth . "\r\n";
}

# Authorization headers: an access or id token with the given raw claims,
# or the payload JSON text as given, signed
sub tok { bearer(token(payload => claims(@_))) }
sub idtok { bearer(token(payload => id_claims(@_))) }
sub raw { bearer(token(payload => shift)) }

1;
