# The shared verified-token cache between workers and across reloads, as
# plain Test::More: neither test runner reloads nginx within a block.  It
# starts its own nginx (master, 2 workers, SO_REUSEPORT so that
# connections reach both) under TEST_NGINX_SERVROOT with "-reload"
# appended, on TEST_NGINX_SERVER_PORT and TEST_NGINX_JWKS_PORT, and reads
# cognito_auth_metrics:
#
#   - a token verified by one worker is a hit in the other: over requests
#     served by both workers, one signature verification;
#   - after `nginx -s reload` (same zone), the new workers verify nothing
#     again: the zone, the jwks= pool's keys and their generation are
#     kept, and no JWKS is fetched again;
#   - after a reload that changes a jwks_file= pool's keys, its cached
#     token is verified again (and refused: its key is gone);
#   - after a reload that takes the token's alg out of its pool's algs=,
#     the token in the zone is no hit: refused, as a token never cached,
#     also when the workers have met its header before (the header memo).

use strict;
use warnings;

use lib 't/lib';
use Cognito ();
use Cwd ();
use File::Path qw(make_path remove_tree);
use IO::Socket::INET;
use Test::More;
use Time::HiRes qw(sleep time);

Cognito::_set_env_defaults();

my $nginx = $ENV{TEST_NGINX_BINARY};
my $port = $ENV{TEST_NGINX_SERVER_PORT};
my $jwks_port = $ENV{TEST_NGINX_JWKS_PORT};
my $data = $ENV{TEST_NGINX_DATA_DIR};
my $prefix = ($ENV{TEST_NGINX_SERVROOT} || Cwd::abs_path('t') . '/servroot')
    . '-reload';
my $partners = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Partners9';
my $master;

$prefix = Cwd::abs_path('.') . "/$prefix" if $prefix !~ m{^/};

remove_tree($prefix);
make_path("$prefix/conf", "$prefix/logs", "$prefix/html");

write_file("$prefix/html/index.html", "ok\n");
write_file("$prefix/conf/partners.json", Cognito::jwks_json('rsa1'));
write_file("$prefix/conf/nginx.conf", config());

END {
    if ($master) {
        kill 'QUIT', $master;
        for (1 .. 50) {
            last unless kill 0, $master;
            sleep 0.1;
        }
        kill 'KILL', $master if kill 0, $master;
    }
}

run_nginx();
$master = wait_for(sub { read_pid() }, 'nginx to start');
wait_for(sub { (get('/metrics'))[0] == 200 }, 'nginx to answer');

my $a = Cognito::access_token(sub => 'shared-a');
my $f = Cognito::access_token(sub => 'partner-f', iss => $partners,
                              client_id => 'partnerapp');


# --- shared by the workers

my %pids = requests('/t/', $a, 200);
my $tries = 0;

while (keys %pids < 2 && $tries++ < 10) {
    my %more = requests('/t/', $a, 200);
    @pids{keys %more} = values %more;
}

is(scalar keys %pids, 2, 'both workers served the token');

my %m = metrics();
is($m{verifications}, 1, 'verified once for both workers');
cmp_ok($m{shared}, '>=', 1, 'the other worker found it in the zone');
is($m{fetches}, 1, 'the JWKS fetched once');

requests('/f/', $f, 200);
%m = metrics();
is($m{verifications}, 2, 'the jwks_file= pool\'s token verified once');


# --- kept across a reload

my $shared = $m{shared};

reload();

requests('/t/', $a, 200);
requests('/f/', $f, 200);
%m = metrics();
is($m{verifications}, 2, 'nothing verified again after the reload');
cmp_ok($m{shared}, '>', $shared, 'the new workers found the tokens in the zone');
is($m{fetches}, 1, 'the JWKS not fetched again after the reload');
is($m{entries}, 2, 'two tokens in the zone');


# --- other keys for the jwks_file= pool: its token verified again

write_file("$prefix/conf/partners.json", Cognito::jwks_json('rsa2'));
reload();

requests('/f/', $f, 401);
requests('/t/', $a, 200);
%m = metrics();
is($m{verifications}, 2 + 20,
   'the jwks_file= token verified again with the new keys at each of its '
   . '20 requests (refused, so never cached), the other one not');


# --- algs= without the token's alg: the zone's entry is no hit
#
# Both new workers first meet the token's header (the partners' token has
# the same one, and its header passes: it is refused later, its key being
# gone), so that the zone's token is parsed with a header the worker
# remembers: the memo must still check it against the pool's algs=.

write_file("$prefix/conf/nginx.conf", config('algs=RS384,RS512'));
reload();

%pids = requests('/f/', $f, 401);
$tries = 0;

while (keys %pids < 2 && $tries++ < 10) {
    my %more = requests('/f/', $f, 401);
    @pids{keys %more} = values %more;
}

is(scalar keys %pids, 2, 'both new workers met the header');

%m = metrics();
$shared = $m{shared};
my $verifications = $m{verifications};

requests('/t/', $a, 401);
%m = metrics();
is($m{shared}, $shared,
   'an RS256 token in the zone is no hit where its pool is now algs=RS384,RS512');
is($m{verifications}, $verifications,
   'and it is refused before any key: nothing verified');
is($m{entries}, 2, 'the zone keeps its entries');

done_testing();


sub config {
    my $test_algs = shift // '';
    my $modules = join '', map { "load_module $_;\n" }
        Cognito::loaded_modules();

    return <<"_EOC_";
${modules}daemon on;
master_process on;
worker_processes 2;
pid logs/nginx.pid;
error_log logs/error.log info;

events {
    worker_connections 64;
}

http {
    access_log off;

    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks $test_algs;
    cognito_auth_pool partners eu-west-1_Partners9 client_id=partnerapp jwks_file=$prefix/conf/partners.json;
    cognito_auth_cache zone=tokens:1m front=8;

    server {
        listen 127.0.0.1:$port reuseport;

        location = /_jwks {
            internal;
            proxy_pass http://127.0.0.1:$jwks_port/jwks.json;
        }

        location /t/ {
            cognito_auth test;
            alias html/;
            add_header X-Pid \$pid always;
        }

        location /f/ {
            cognito_auth partners;
            alias html/;
            add_header X-Pid \$pid always;
        }

        location = /metrics {
            cognito_auth_metrics;
            add_header X-Pid \$pid always;
        }
    }

    server {
        listen 127.0.0.1:$jwks_port;
        location / { root $data; }
    }
}
_EOC_
}


sub write_file {
    my ($name, $text) = @_;
    open my $fh, '>', $name or die "cannot write $name: $!\n";
    print $fh $text;
    close $fh or die "cannot write $name: $!\n";
}


sub run_nginx {
    my @args = @_;
    local $ENV{LD_PRELOAD} = $ENV{TEST_NGINX_PRELOAD}
        if $ENV{TEST_NGINX_PRELOAD};
    # "signal process started" goes to stderr: into the log instead
    open my $saved, '>&', \*STDERR or die "cannot dup stderr: $!\n";
    open STDERR, '>>', "$prefix/logs/stderr.log"
        or die "cannot write $prefix/logs/stderr.log: $!\n";
    my $rc = system($nginx, '-p', "$prefix/", '-c', 'conf/nginx.conf', @args);
    open STDERR, '>&', $saved or die "cannot restore stderr: $!\n";
    $rc == 0
        or BAIL_OUT("nginx @args failed: $?; see $prefix/logs/stderr.log "
                    . "and error.log");
}


sub read_pid {
    open my $fh, '<', "$prefix/logs/nginx.pid" or return undef;
    my $pid = <$fh>;
    return defined $pid && $pid =~ /^(\d+)/ ? $1 : undef;
}


sub wait_for {
    my ($cond, $what) = @_;
    my $end = time + 10;
    while (time < $end) {
        my $v = eval { $cond->() };
        return $v if $v;
        sleep 0.05;
    }
    BAIL_OUT("timed out waiting for $what");
}


# one request on a new connection: (status, X-Pid, body)
sub get {
    my ($uri, $token) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Timeout => 3)
        or return (0);
    my $auth = defined $token ? "Authorization: Bearer $token\r\n" : '';
    print $s "GET $uri HTTP/1.1\r\nHost: localhost\r\n$auth"
             . "Connection: close\r\n\r\n";
    local $/;
    my $r = <$s> // '';
    close $s;
    my ($status) = $r =~ m{^HTTP/1\.[01] (\d+)};
    my ($pid) = $r =~ m{\r\nX-Pid: (\d+)\r\n}i;
    my ($body) = $r =~ m{\r\n\r\n(.*)\z}s;
    return ($status // 0, $pid, $body // '');
}


# 20 requests, each must have the status; the pids that served them
sub requests {
    my ($uri, $token, $want) = @_;
    my (%pids, @bad);
    for (1 .. 20) {
        my ($status, $pid) = get($uri, $token);
        push @bad, $status if $status != $want;
        $pids{$pid}++ if defined $pid;
    }
    ok(!@bad, "$uri: 20 times $want") or diag("got @bad");
    return %pids;
}


sub metrics {
    my ($status, undef, $body) = get('/metrics');
    my %m;
    ($m{verifications}) =
        $body =~ /^cognito_auth_signature_verifications_total (\d+)$/m;
    ($m{shared}) =
        $body =~ /^cognito_auth_cache_hits_total\{level="shared"\} (\d+)$/m;
    ($m{entries}) = $body =~ /^cognito_auth_cache_entries (\d+)$/m;
    ($m{fetches}) = $body
        =~ /^cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} (\d+)$/m;
    defined $m{$_} or BAIL_OUT("no $_ in the metrics:\n$body")
        for qw(verifications shared entries fetches);
    return %m;
}


# the master's children, from /proc
sub workers {
    my @w;
    opendir my $d, '/proc' or die "cannot read /proc: $!\n";
    for my $p (grep { /^\d+$/ } readdir $d) {
        open my $fh, '<', "/proc/$p/stat" or next;
        my $st = <$fh> // next;
        $st =~ s/^.*\)\s+//s;
        my @f = split ' ', $st;
        push @w, $p if $f[1] == $master;
    }
    return @w;
}


# reload, then wait until the old workers are gone and two new ones run
sub reload {
    my %old = map { $_ => 1 } workers();
    run_nginx('-s', 'reload');
    wait_for(sub {
        my @w = workers();
        return @w == 2 && !grep { $old{$_} } @w;
    }, 'the new workers after the reload');
}
