package ConfExample;

# Loads a file of conf-examples/ into a Test::Nginx block:
#
#     --- http_config eval
#     ConfExample::http_config('inventory-appsync.conf') . $::Backend
#     --- config eval
#     ConfExample::config('inventory-appsync.conf')
#
# A conf-example is an http-context file (what goes into
# /etc/nginx/conf.d/ beside 00-cognito-zone.conf, which declares the zone):
# http-level directives (cognito_auth_pool, map, log_format, ...) and one
# server block, the
# gateway.  http_config() gives everything outside that server block,
# config() the inside of it (what Test::Nginx puts in its own server), both
# rewritten for a test:
#
# * cognito_auth_pool: the pool id becomes us-east-1_TestPool1 and the app
#   clients testclient1,testclient2 (the ids Cognito::access_token and
#   Cognito::id_token use); issuer= is dropped; jwks= stays, so the
#   example's own JWKS location is used;
# * the Cognito JWKS URL (https://cognito-idp.<region>.amazonaws.com/<pool>
#   /.well-known/jwks.json) becomes the JWKS mock of t/lib/Cognito.pm,
#   http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json;
# * every other AWS endpoint (https://<...>.amazonaws.com, https://<...>.on.aws,
#   an AppSync, Lambda function URL or API Gateway host) becomes
#   http://127.0.0.1:$TEST_NGINX_BACKEND_PORT, where the test's stand-in
#   backend listens;
# * TLS and naming of the gateway's own server (listen, server_name,
#   ssl_certificate, ssl_protocols, ...) are dropped: Test::Nginx's server
#   listens on $TEST_NGINX_SERVER_PORT;
# * access_log/error_log paths under /var/log/nginx/ go to logs/ in the
#   test's server root.
#
# Options (after the file name): jwks_file => 1 replaces jwks= with
# jwks_file=$TEST_NGINX_DATA_DIR/jwks.json; subst => [qr/.../ => 'text', ...]
# applies further substitutions (to the whole file, before the split).
#
# The $TEST_NGINX_* placeholders are left for the runner to expand, as in
# any config section.

use strict;
use warnings;

use Cwd ();
use File::Basename ();

our $TopDir;
BEGIN {
    my $file = Cwd::abs_path(__FILE__);
    $TopDir = File::Basename::dirname(
        File::Basename::dirname(File::Basename::dirname($file)));
}

our $Dir = "$TopDir/conf-examples";
our $PoolId = 'us-east-1_TestPool1';
our $ClientIds = 'testclient1,testclient2';
our $ZoneFile = '00-cognito-zone.conf';

sub slurp {
    my $path = shift;
    open my $fh, '<', $path or die "ConfExample: cannot open $path: $!\n";
    local $/;
    my $text = <$fh>;
    close $fh;
    return $text;
}

sub path {
    my $name = shift;
    return $name =~ m{^/} ? $name : "$Dir/$name";
}

# Splits nginx configuration text at depth 0 into statements and blocks,
# minding quotes and comments.  Returns a list of [kind, text] with kind
# 'server' for a top-level server block, 'other' for anything else.
sub split_top {
    my $text = shift;
    my @parts;
    my $len = length $text;
    my ($i, $start, $depth) = (0, 0, 0);
    my $stmt_start = 0;     # where the current top-level statement began

    while ($i < $len) {
        my $c = substr $text, $i, 1;
        if ($c eq '#') {
            my $nl = index $text, "\n", $i;
            $i = $nl < 0 ? $len : $nl + 1;
            $stmt_start = $i if $depth == 0 && _blank(substr $text, $stmt_start, $i - $stmt_start);
            next;
        }
        if ($c eq '"' || $c eq "'") {
            $i++;
            while ($i < $len) {
                my $d = substr $text, $i, 1;
                if ($d eq '\\') { $i += 2; next }
                $i++;
                last if $d eq $c;
            }
            next;
        }
        if ($c eq '{') {
            if ($depth == 0) {
                my $head = substr $text, $stmt_start, $i - $stmt_start;
                $head =~ s/#[^\n]*//g;
                if ($head =~ /^\s*server\s*$/) {
                    push @parts, ['other', substr($text, $start, $stmt_start - $start)];
                    $start = $stmt_start;
                    my $end = _matching($text, $i);
                    push @parts, ['server', substr($text, $start, $end + 1 - $start)];
                    $i = $end + 1;
                    $start = $stmt_start = $i;
                    next;
                }
            }
            $depth++;
        } elsif ($c eq '}') {
            $depth--;
            $stmt_start = $i + 1 if $depth == 0;
        } elsif ($c eq ';' && $depth == 0) {
            $stmt_start = $i + 1;
        }
        $i++;
    }
    push @parts, ['other', substr($text, $start)] if $start < $len;
    return @parts;
}

# no quote left open in a line's text before a '#'
sub _unquoted {
    my $s = shift;
    $s =~ s/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'//g;
    return $s !~ /["']/;
}

sub _blank { return $_[0] =~ /^\s*$/ }

# index of the '}' matching the '{' at $open
sub _matching {
    my ($text, $open) = @_;
    my $len = length $text;
    my $depth = 0;
    my $i = $open;
    while ($i < $len) {
        my $c = substr $text, $i, 1;
        if ($c eq '#') {
            my $nl = index $text, "\n", $i;
            $i = $nl < 0 ? $len : $nl + 1;
            next;
        }
        if ($c eq '"' || $c eq "'") {
            $i++;
            while ($i < $len) {
                my $d = substr $text, $i, 1;
                if ($d eq '\\') { $i += 2; next }
                $i++;
                last if $d eq $c;
            }
            next;
        }
        $depth++ if $c eq '{';
        if ($c eq '}') {
            $depth--;
            return $i if $depth == 0;
        }
        $i++;
    }
    die "ConfExample: unbalanced braces\n";
}

# cognito_auth_pool NAME POOL_ID options... ;  (possibly over several lines)
sub _rewrite_pool {
    my ($stmt, %opt) = @_;
    my ($head, $body) = $stmt =~ /^(\s*cognito_auth_pool\s+\S+\s+)(.*)$/s
        or return $stmt;
    my @words = split /\s+/, $body;
    shift @words;                       # the pool id
    my @out = ($PoolId);
    for my $w (@words) {
        next if $w eq '' || $w =~ /^issuer=/;
        if ($w =~ /^client_id=/) { push @out, "client_id=$ClientIds"; next }
        if ($opt{jwks_file} && $w =~ /^jwks(?:_file)?=/) {
            push @out, 'jwks_file=$TEST_NGINX_DATA_DIR/jwks.json';
            next;
        }
        push @out, $w;
    }
    return $head . join(' ', @out);
}

sub rewrite {
    my ($text, %opt) = @_;

    my @subst = @{ $opt{subst} || [] };
    while (@subst) {
        my ($re, $to) = splice @subst, 0, 2;
        $text =~ s/$re/$to/g;
    }

    # comments first: URLs and directives in them must not be rewritten
    # into something that looks live
    $text =~ s/^[ \t]*#.*\n//mg;
    $text =~ s/^(.*?)[ \t]+#.*$/_unquoted($1) ? $1 : $&/mge;

    $text =~ s{(cognito_auth_pool\s[^;]*)}{_rewrite_pool($1, %opt)}ge;

    $text =~ s{https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/[\w-]+/\.well-known/jwks\.json}
              {http://127.0.0.1:\$TEST_NGINX_JWKS_PORT/jwks.json}g;
    $text =~ s{https://[A-Za-z0-9.-]+\.(?:amazonaws\.com|on\.aws)\b}
              {http://127.0.0.1:\$TEST_NGINX_BACKEND_PORT}g;

    $text =~ s{(\b(?:access|error)_log\s+)/var/log/nginx/}{$1logs/}g;

    return $text;
}

sub _server_body {
    my $server = shift;
    my $open = index $server, '{';
    my $body = substr $server, $open + 1;
    $body =~ s/\}\s*\z//;
    $body =~ s/^[ \t]*(?:listen|server_name|http2|ssl_certificate|ssl_certificate_key|ssl_protocols|ssl_ciphers|ssl_prefer_server_ciphers|ssl_session_\w+|ssl_stapling\w*|ssl_trusted_certificate|ssl_dhparam)\b[^;]*;[^\n]*\n//mg;
    return $body;
}

# (http part, server body) of a conf-example, rewritten; the http part
# starts with 00-cognito-zone.conf, the zone every example relies on (as
# in conf.d/, where that file comes first)
sub load {
    my ($name, %opt) = @_;
    my $text = rewrite(slurp(path($name)), %opt);
    my ($http, $server) = ('', undef);
    $http = rewrite(slurp(path($ZoneFile))) if $text !~ /cognito_auth_zone/;
    for my $p (split_top($text)) {
        if ($p->[0] eq 'server' && !defined $server) {
            $server = _server_body($p->[1]);
        } else {
            $http .= $p->[1];
        }
    }
    die "ConfExample: no server block in $name\n" unless defined $server;
    return ($http, $server);
}

# The text of a YAML block scalar ("key: |"), dedented, from a file of
# conf-examples/ (enough YAML for the ingress-nginx manifests: the key's
# line, then every more indented or blank line).  The first match, or the
# n-th with a third argument.
sub yaml_block {
    my ($name, $key, $nth) = @_;
    $nth //= 1;
    my @lines = split /\n/, slurp(path($name)), -1;
    my $seen = 0;
    for (my $i = 0; $i < @lines; $i++) {
        next unless $lines[$i] =~ /^(\s*)\Q$key\E:\s*\|[-+]?\s*$/;
        next if ++$seen < $nth;
        my $indent = length $1;
        my @block;
        for my $j ($i + 1 .. $#lines) {
            my $l = $lines[$j];
            if ($l =~ /^\s*$/) { push @block, ''; next }
            $l =~ /^(\s*)/;
            last if length($1) <= $indent;
            push @block, $l;
        }
        pop @block while @block && $block[-1] eq '';
        my ($min) = sort { $a <=> $b } map { /^(\s*)/; length $1 }
                    grep { length } @block;
        $min //= 0;
        return join '', map { (length $_ ? substr($_, $min) : '') . "\n" } @block;
    }
    die "ConfExample: no block scalar \"$key\" in $name\n";
}

sub http_config { my @r = load(@_); return $r[0] }
sub config      { my @r = load(@_); return $r[1] }

1;
