package Test::Nginx::Fallback::Runner;

# Implementation of the fallback Test::Nginx::Socket (see ../Socket.pm and
# t/README.md).  Written for this project; it follows the documented
# behaviour of openresty/test-nginx (nginx.conf layout, env expansion,
# status/header/body/error-log checks, must_die, repeat_each) but is much
# smaller: one nginx per block, started before and stopped after the block,
# plain HTTP/1.1 over a raw socket, core Perl plus Test::More only.

use strict;
use warnings;

use Cwd ();
use Exporter 'import';
use File::Path qw(make_path remove_tree);
use File::Spec ();
use IO::Select ();
use IO::Socket::INET ();
use List::Util qw(shuffle);
use POSIX qw(WNOHANG SIGQUIT SIGKILL SIGTERM);
use Scalar::Util ();
use Test::More ();
use Time::HiRes qw(sleep time);

our @EXPORT_TO_TESTS = qw(
    env_to_nginx is_str run_tests run_test
    repeat_each config_preamble worker_connections
    master_process_enabled
    no_long_string workers master_on master_off
    log_level no_shuffle no_root_location use_hup
    server_name server_addr server_root html_dir server_port
    server_port_for_client timeout no_nginx_manager check_accum_error_log
    add_block_preprocessor bail_out add_test_cleanup_handler
    add_cleanup_handler add_response_body_check
);

our @EXPORT = (@EXPORT_TO_TESTS, qw(
    expand_env_in_text error_log_data parse_headers
    $ServerPort $ServRoot $HtmlDir $ConfFile $ErrLogFile $PidFile
));

# ---------------------------------------------------------------- settings

our $NginxBinary    = $ENV{TEST_NGINX_BINARY} || 'nginx';
our $ServerAddr     = '127.0.0.1';
our $ServerName     = 'localhost';
our $ServerPort     = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT}
                      || 1984;
our $ServerPortForClient = $ENV{TEST_NGINX_CLIENT_PORT} || $ServerPort;
our $Workers        = 1;
our $WorkerConnections = 64;
our $LogLevel       = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
our $MasterProcessEnabled = $ENV{TEST_NGINX_MASTER_PROCESS} || 'off';
our $DaemonEnabled  = 'on';
our $NoRootLocation = 0;
our $RepeatEach     = 1;
our $Timeout        = $ENV{TEST_NGINX_TIMEOUT} || 3;
our $Sleep          = $ENV{TEST_NGINX_SLEEP} || 0.015;
our $NoShuffle      = $ENV{TEST_NGINX_NO_SHUFFLE} || 0;
our $Verbose        = $ENV{TEST_NGINX_VERBOSE};
our $LoadModules    = $ENV{TEST_NGINX_LOAD_MODULES};
our $UseValgrind    = $ENV{TEST_NGINX_USE_VALGRIND};
our $CheckLeak      = $ENV{TEST_NGINX_CHECK_LEAK} || 0;
our $CheckLeakCount = $ENV{TEST_NGINX_CHECK_LEAK_COUNT} // 100;
our $WorkerUser     = $ENV{TEST_NGINX_WORKER_USER};
our $Preload        = join ' ', grep { defined && length }
                      $ENV{TEST_NGINX_PRELOAD}, $ENV{TEST_NGINX_LD_PRELOAD};
our $CheckAccumErrLog = $ENV{TEST_NGINX_CHECK_ACCUM_ERR_LOG};
our $NoLongString;
our $ConfigPreamble = '';
our @EnvToNginx;
our @BlockPreprocessors;
our @CleanupHandlers;
our @TestCleanupHandlers;
our @ResponseBodyChecks;

if ($UseValgrind) {
    # valgrind must see the nginx process itself: no daemon, no master
    $DaemonEnabled = 'off';
    $MasterProcessEnabled = 'off';
}

our $ServRoot = $ENV{TEST_NGINX_SERVROOT}
                || File::Spec->rel2abs('t/servroot');
$ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;
our $LogDir     = "$ServRoot/logs";
our $HtmlDir    = "$ServRoot/html";
our $ConfDir    = "$ServRoot/conf";
our $ConfFile   = "$ConfDir/nginx.conf";
our $ErrLogFile = "$LogDir/error.log";
our $AccLogFile = "$LogDir/access.log";
our $PidFile    = "$LogDir/nginx.pid";
our $StderrFile = "$LogDir/nginx.stderr";
our $ValgrindLog = "$LogDir/valgrind.log";
$ENV{TEST_NGINX_HTML_DIR} //= $HtmlDir;

# state of the block being run
our $NginxPid;          # the pid to signal (daemon, or our child under valgrind)
our $NginxChild;        # set when nginx is our own child (daemon off)
our $ErrLogFilePos = 0;
our $DryRun;            # reason string: assertions become skips
our $PrevConfig;
our %RandPorts;
our $NginxVersion;

# ---------------------------------------------------------------- exports

sub env_to_nginx {
    die "env_to_nginx: no arguments specified\n" unless @_;
    for my $v (@_) {
        die "env_to_nginx: bad argument value: $v\n"
            if $v !~ /^[A-Za-z_]/ || $v =~ /\n/;
        push @EnvToNginx, $v;
    }
}

sub is_str { Test::More::is($_[0], $_[1], $_[2]) }
sub no_long_string () { $NoLongString = 1 }
sub repeat_each {
    if (@_) { return if $CheckLeak; $RepeatEach = shift }
    return $RepeatEach;
}
sub config_preamble ($) { $ConfigPreamble = shift }
sub worker_connections { @_ ? ($WorkerConnections = shift) : $WorkerConnections }
sub workers { @_ ? ($Workers = shift) : $Workers }
sub log_level { @_ ? ($LogLevel = shift) : $LogLevel }
sub master_on () { return if $CheckLeak || $UseValgrind; $MasterProcessEnabled = 'on' }
sub master_off () { $MasterProcessEnabled = 'off' }
sub master_process_enabled {
    return $MasterProcessEnabled unless @_;
    return if $CheckLeak || $UseValgrind;
    $MasterProcessEnabled = shift() ? 'on' : 'off';
}
sub no_shuffle () { $NoShuffle = 1 }
sub no_root_location () { $NoRootLocation = 1 }
sub use_hup () { warn "use_hup: not supported by the fallback runner; ignored\n" }
sub no_nginx_manager () {
    warn "no_nginx_manager: not supported by the fallback runner; ignored\n";
}
sub server_name { @_ ? ($ServerName = shift) : $ServerName }
sub server_addr { @_ ? ($ServerAddr = shift) : $ServerAddr }
sub server_root () { $ServRoot }
sub html_dir () { $HtmlDir }
sub server_port { @_ ? ($ServerPort = shift) : $ServerPort }
sub server_port_for_client {
    @_ ? ($ServerPortForClient = shift) : $ServerPortForClient;
}
sub timeout { @_ ? ($Timeout = shift) : $Timeout }
sub check_accum_error_log () { $CheckAccumErrLog = 1 }
sub add_block_preprocessor (&) { unshift @BlockPreprocessors, shift }
sub add_cleanup_handler ($) { unshift @CleanupHandlers, shift }
sub add_test_cleanup_handler ($) { unshift @TestCleanupHandlers, shift }
sub add_response_body_check ($) { push @ResponseBodyChecks, shift }

sub bail_out {
    cleanup();
    Test::More::BAIL_OUT(join '', @_);
}

# ---------------------------------------------------------------- helpers

sub verbose { warn @_ if $Verbose }

sub parse_time {
    my $tm = shift;
    return undef unless defined $tm;
    if ($tm =~ s/([^_a-zA-Z])ms$/$1/) { return $tm / 1000 }
    $tm =~ s/([^_a-zA-Z])s$/$1/;
    return $tm;
}

sub trim {
    my $s = shift;
    return undef unless defined $s;
    $s =~ s/^\s+|\s+$//g;
    return $s;
}

sub fmt_str {
    my $s = shift;
    chomp $s;
    $s =~ s/"/\\"/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\n/\\n/g;
    return $s;
}

sub port_in_use {
    my $port = shift;
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
                                  Proto => 'tcp', ReuseAddr => 1, Listen => 1);
    return 1 unless $s;
    close $s;
    return 0;
}

sub rand_port {
    my %used = (map { $_ => 1 } $ServerPort, values %RandPorts);
    for (1 .. 1000) {
        my $p = 20000 + int(rand(40000));
        next if $used{$p};
        return $p unless port_in_use($p);
    }
    return undef;
}

# $TEST_NGINX_FOO -> $ENV{TEST_NGINX_FOO}; an unset variable aborts the run,
# as in the real Test::Nginx.  $TEST_NGINX_RAND_PORT_N gets a free port,
# the same one for the whole block.
sub expand_env_in_text {
    my ($text, $name) = @_;
    return undef unless defined $text;
    $name //= '';
    $text =~ s{\$(TEST_NGINX_[_A-Z0-9]+)}{
        my $var = $1;
        my $val;
        if ($var =~ /^TEST_NGINX_RAND_PORT_\d+$/) {
            $val = $RandPorts{$var} //= rand_port()
                // bail_out("$name - no free port for $var");
        } elsif (defined $ENV{$var}) {
            $val = $ENV{$var};
        } else {
            bail_out("$name - No environment $var defined.\n");
        }
        $val;
    }ge;
    return $text;
}

sub parse_headers {
    my $s = shift;
    my %headers;
    for my $line (split /\n/, $s // '') {
        $line =~ s/^\s+|\s+$//g;
        next if $line eq '';
        if ($line =~ s/^!\s*//) {
            $headers{$line} = undef;
        } else {
            my ($k, $v) = split /\s*:\s*/, $line, 2;
            $headers{$k} = $v // '';
        }
    }
    return \%headers;
}

# assertions; in dry-run mode (check-leak) they become skips, like upstream
sub t_ok {
    my ($ok, $desc, @diag) = @_;
    my $tb = Test::More->builder;
    if ($DryRun) { $tb->skip("$desc - tests skipped due to $DryRun"); return 1 }
    my $r = $tb->ok($ok, $desc);
    $tb->diag(@diag) if !$r && @diag;
    return $r;
}
sub t_is {
    my ($got, $exp, $desc) = @_;
    if ($DryRun) { return t_ok(1, $desc) }
    return Test::More::is($got, $exp, $desc);
}
sub t_isnt {
    my ($got, $exp, $desc) = @_;
    if ($DryRun) { return t_ok(1, $desc) }
    return Test::More::isnt($got, $exp, $desc);
}
sub t_like {
    my ($got, $re, $desc) = @_;
    if ($DryRun) { return t_ok(1, $desc) }
    return Test::More::like($got, $re, $desc);
}
sub t_unlike {
    my ($got, $re, $desc) = @_;
    if ($DryRun) { return t_ok(1, $desc) }
    return Test::More::unlike($got, $re, $desc);
}

sub get_indexed_value {
    my ($name, $value, $idx, $need_array) = @_;
    if (ref $value && ref $value eq 'ARRAY') {
        return $value->[$need_array ? $idx : 0];
    }
    bail_out("$name - You asked for many requests, the expected results "
             . "should be arrays as well.") if $need_array;
    return $value;
}

sub slurp {
    my $f = shift;
    open my $in, '<', $f or return undef;
    local $/;
    my $s = <$in>;
    close $in;
    return $s;
}

sub nginx_version {
    return $NginxVersion if defined $NginxVersion;
    my $out = `$NginxBinary -v 2>&1`;
    if (defined $out && $out =~ m{/(\d+)\.(\d+)\.(\d+)}) {
        $NginxVersion = sprintf "%d.%03d%03d", $1, $2, $3;
    } else {
        $NginxVersion = 0;
    }
    return $NginxVersion;
}

sub can_run {
    my $cmd = shift;
    return (-f $cmd && -x _) ? $cmd : undef if $cmd =~ m{/};
    for my $dir (split /:/, $ENV{PATH} // '') {
        next if $dir eq '';
        return "$dir/$cmd" if -f "$dir/$cmd" && -x _;
    }
    return undef;
}

# ---------------------------------------------------------------- server root

sub setup_server_root {
    if (-d $ServRoot) {
        remove_tree($ConfDir, $LogDir, $HtmlDir, glob("$ServRoot/*_temp"),
                    glob("$ServRoot/*_cache"));
    }
    for my $d ($ServRoot, $LogDir, $HtmlDir, $ConfDir) {
        next if -d $d;
        make_path($d) or bail_out("Failed to do mkdir $d: $!");
    }
    write_file("$HtmlDir/index.html",
        '<html><head><title>It works!</title></head><body>It works!</body></html>');
}

sub write_file {
    my ($path, $body) = @_;
    open my $out, '>', $path or bail_out("Can't open $path for writing: $!");
    binmode $out;
    print $out $body;
    close $out;
}

sub write_user_files {
    my $block = shift;
    my $name = $block->name;
    my $files = $block->user_files;
    return unless $files;

    if (!ref $files) {
        my @list;
        my ($fname, $body, $date);
        for my $line (split /^/, $files) {
            if ($line =~ /^>>> (\S+)(?:\s+(.+))?/) {
                push @list, [$fname, $body, $date] if defined $fname;
                ($fname, $date, $body) = ($1, $2, undef);
            } else {
                $body .= $line;
            }
        }
        push @list, [$fname, $body, $date] if defined $fname;
        $files = \@list;
    } elsif (ref $files ne 'ARRAY') {
        bail_out("$name - wrong value type for --- user_files: " . ref $files);
    }

    for my $f (@$files) {
        my ($fname, $body, $date) = @$f;
        my $path = $fname =~ m{^/} ? $fname : "$HtmlDir/$fname";
        if ($path =~ m{(.*)/} && !-d $1) {
            make_path($1) or bail_out("$name - Cannot create directory $1");
        }
        write_file($path, expand_env_in_text($body // '', $name));
        if ($date) {
            system("TZ=GMT touch -t '$date' '$path'") == 0
                or bail_out("$name - failed to set the date of $path");
        }
    }
}

sub write_config_file {
    my ($block, $config) = @_;
    my $name = $block->name;

    my $http_config = expand_env_in_text($block->http_config // '', $name);
    my $main_config = $block->main_config // '';
    my $post_main_config = expand_env_in_text($block->post_main_config // '',
                                              $name);
    my $server_name = $block->server_name // $ServerName;
    my $err_log = expand_env_in_text($block->error_log_file || $ErrLogFile,
                                     $name);
    my $log_level = $block->log_level || $LogLevel;
    $log_level = 'warn' if $CheckLeak;

    if ($LoadModules) {
        my @mods = map { "load_module $_;" } grep { length } split /\s+/,
                   $LoadModules;
        $main_config = join("\n", @mods, $main_config);
    }
    $main_config = expand_env_in_text($main_config, $name);

    my $nginx_V = `$NginxBinary -V 2>&1` // '';
    my @temp;
    push @temp, "client_body_temp_path $ServRoot/client_body_temp;"
        unless $http_config =~ /\bclient_body_temp_path\b/;
    push @temp, "proxy_temp_path $ServRoot/proxy_temp;"
        unless $http_config =~ /\bproxy_temp_path\b/;
    for my $m (qw(fastcgi scgi uwsgi)) {
        push @temp, "${m}_temp_path $ServRoot/${m}_temp;"
            unless $nginx_V =~ /--without-http_${m}_module/;
    }
    my $temp = join "\n    ", @temp;

    my $env = join '', map { my $v = $_; $v = "'$v'" if $v =~ /\s/;
                             "env $v;\n" } qw(LD_PRELOAD LD_LIBRARY_PATH
                                              ASAN_OPTIONS UBSAN_OPTIONS),
                                           @EnvToNginx;

    (my $qname = $server_name) =~ s/(['\\])/\\$1/g;

    my $root_location = $NoRootLocation ? '' : <<"_EOC_";
        location / {
            root $HtmlDir;
            index index.html index.htm;
        }
_EOC_

    my $user = defined $WorkerUser ? "user $WorkerUser;\n"
             : $> == 0             ? "user root;\n"
             :                       '';

    my $conf = <<"_EOC_";
worker_processes  $Workers;
daemon $DaemonEnabled;
master_process $MasterProcessEnabled;
error_log $err_log $log_level;
pid       $PidFile;
$env
$main_config

http {
    access_log $AccLogFile;
    $temp

    default_type text/plain;
    keepalive_timeout  68000ms;

$http_config

    server {
        listen          $ServerPort;
        server_name     '$qname';
        client_max_body_size 30M;

        # Begin preamble config...
$ConfigPreamble
        # End preamble config...

        # Begin test case config...
$config
        # End test case config.

$root_location    }
}

$post_main_config

events {
    accept_mutex off;
    worker_connections  $WorkerConnections;
}
$user
_EOC_

    write_file($ConfFile, $conf);
}

# ---------------------------------------------------------------- processes

sub is_running {
    my $pid = shift;
    return 0 unless $pid && kill(0, $pid);
    # a zombie is not running (nobody may reap a daemon in a container)
    my $stat = slurp("/proc/$pid/stat");
    return 0 if defined $stat && $stat =~ /^\d+ \(.*\) Z/s;
    return 1;
}

sub read_pid_file {
    my $pid = slurp($PidFile);
    return undef unless defined $pid;
    $pid =~ s/\s+//g;
    return $pid =~ /^\d+$/ ? $pid : undef;
}

# kill a stale nginx left over from an aborted run in the same server root
sub kill_stale_nginx {
    my $pid = read_pid_file();
    return unless $pid && is_running($pid);
    my $cmdline = slurp("/proc/$pid/cmdline") // '';
    return unless $cmdline =~ /nginx/;
    warn "WARNING: stopping the stale nginx $pid of $ServRoot\n";
    stop_pid($pid, 'stale');
}

sub stop_pid {
    my ($pid, $name, $wait) = @_;
    $wait ||= $UseValgrind ? 60 : 10;
    kill SIGQUIT, $pid;
    my $deadline = time + $wait;
    my $status;
    while (time < $deadline) {
        if ($NginxChild && $NginxChild == $pid) {
            my $r = waitpid($pid, WNOHANG);
            if ($r == $pid) { $status = $?; undef $NginxChild; return $status }
            if ($r == -1) { undef $NginxChild; return undef }
        } elsif (!is_running($pid)) {
            return undef;
        }
        sleep 0.02;
    }
    warn "$name - timeout when waiting for the nginx process $pid to exit; "
         . "sending SIGKILL\n";
    kill SIGKILL, $pid;
    if ($NginxChild && $NginxChild == $pid) {
        waitpid($pid, 0);
        $status = $?;
        undef $NginxChild;
    } else {
        my $t = time + 2;
        sleep 0.02 while time < $t && is_running($pid);
    }
    return $status;
}

sub nginx_command {
    my @cmd = ($NginxBinary, '-p', "$ServRoot/", '-c', $ConfFile);
    push @cmd, '-e', $ErrLogFile if nginx_version() >= 1.019005;
    if ($UseValgrind) {
        my @opts;
        if ($UseValgrind =~ /^\d+$/) {
            @opts = ('--tool=memcheck', '--leak-check=full',
                     '--show-leak-kinds=definite',
                     '--errors-for-leak-kinds=definite',
                     '--num-callers=50', '--error-exitcode=101');
            # ./valgrind.suppress as upstream, plus nginx's own known leaks
            push @opts, '--suppressions=valgrind.suppress'
                if -f 'valgrind.suppress';
            (my $supp = $INC{'Test/Nginx/Fallback/Runner.pm'})
                =~ s{Test/Nginx/Fallback/Runner\.pm$}{nginx-core.supp};
            push @opts, "--suppressions=$supp" if -f $supp;
        } else {
            # TEST_NGINX_USE_VALGRIND='--tool=... ': the user's own options
            @opts = (split(' ', $UseValgrind), '--error-exitcode=101');
        }
        @cmd = ('valgrind', '-q', "--log-file=$ValgrindLog", @opts, @cmd);
    }
    return @cmd;
}

# Starts nginx.  Returns (exit status of the start command or undef while it
# still runs, stderr text).  With daemon on, the command returns once nginx
# has daemonized: the status says whether the configuration was accepted.
sub spawn_nginx {
    my ($name) = @_;
    my @cmd = nginx_command();
    verbose("command: @cmd\n");
    my $pid = fork();
    bail_out("$name - fork() failed: $!") unless defined $pid;
    if ($pid == 0) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', $StderrFile;
        if (length $Preload) {
            $ENV{LD_PRELOAD} = join ' ', grep { defined && length }
                               $Preload, $ENV{LD_PRELOAD};
        }
        { no warnings 'exec'; exec { $cmd[0] } @cmd; }
        print STDERR "exec $cmd[0] failed: $!\n";
        POSIX::_exit(127);
    }

    if ($DaemonEnabled eq 'on') {
        waitpid($pid, 0);
        my $status = $?;
        return ($status, slurp($StderrFile) // '');
    }

    $NginxChild = $pid;
    $NginxPid = $pid;
    return (undef, '');
}

sub wait_for_port {
    my ($name, $limit) = @_;
    my $deadline = time + $limit;
    while (time < $deadline) {
        my $s = IO::Socket::INET->new(PeerAddr => $ServerAddr,
                                      PeerPort => $ServerPortForClient,
                                      Proto => 'tcp', Timeout => 1);
        if ($s) { close $s; return 1 }
        if ($NginxChild && waitpid($NginxChild, WNOHANG) == $NginxChild) {
            undef $NginxChild;
            return 0;
        }
        sleep 0.02;
    }
    return 0;
}

sub start_failed_text {
    my $stderr = shift;
    my $log = slurp($ErrLogFile) // '';
    my @emerg = grep { /\[(?:emerg|alert|crit)\]/ } split /^/, $log;
    my $text = $stderr;
    $text .= join '', @emerg if !length $text;
    $text = "(no output; see $ErrLogFile)\n" unless length $text;
    if ($UseValgrind) {
        $text .= slurp($ValgrindLog) // '';
    }
    return $text;
}

sub stop_nginx {
    my $name = shift;
    return unless $NginxPid;
    my $pid = $NginxPid;
    undef $NginxPid;
    my $status = stop_pid($pid, $name);
    if ($UseValgrind && defined $status) {
        my $code = $status >> 8;
        my $vlog = slurp($ValgrindLog) // '';
        if ($code == 101 || $vlog =~ /definitely lost|Invalid (?:read|write)|uninitialised|Invalid free/) {
            my $tb = Test::More->builder;
            $tb->ok(0, "$name - valgrind reported memory errors or definite leaks");
            $tb->diag($vlog);
        }
    }
}

sub cleanup {
    $_->() for @CleanupHandlers;
    stop_nginx('cleanup') if $NginxPid;
}

END {
    local $?;
    cleanup() if $NginxPid;
}

# ---------------------------------------------------------------- requests

sub parse_more_headers {
    my $in = shift // '';
    my $out = '';
    my $chunked;
    for my $h (split /\n+/, $in) {
        next if $h =~ /^\s*#/;
        my ($k, $v) = split /:\s*/, $h, 2;
        next unless defined $k && length $k;
        $v //= '';
        $chunked = 1 if lc $k eq 'transfer-encoding' && $v eq 'chunked';
        $out .= "$k: $v\r\n";
    }
    return ($out, $chunked);
}

sub build_request {
    my ($name, $raw, $more_headers) = @_;
    while ($raw =~ s/^\s*\#[^\n]+\s+|^\s+//gs) { }
    my ($first, $content) = split /\n/, $raw, 2;
    bail_out("$name - Request line should be non-empty")
        unless defined $first && $first =~ /\S/;
    my ($meth, $url, $ver) = split ' ', $first;
    $url //= '/';
    $ver //= 'HTTP/1.1';
    $content //= '';

    my ($hdr, $chunked) = parse_more_headers($more_headers);
    my $len = '';
    if (!$chunked && $content ne '' && $hdr !~ /(?:^|\n)Content-Length:/i) {
        $content =~ s/^\s+|\s+$//gs;
        $len = "Content-Length: " . length($content) . "\r\n";
    }
    my $head = '';
    $head .= "Host: $ServerName\r\n" if $hdr !~ /(?:^|\n)Host:/i;
    $head .= "Connection: close\r\n" if $hdr !~ /(?:^|\n)Connection/i;
    return "$meth $url $ver\r\n$head$hdr$len\r\n$content";
}

sub requests_of_block {
    my $block = shift;
    my $name = $block->name;

    if (defined $block->raw_request) {
        my $r = $block->raw_request;
        return [ref $r eq 'ARRAY' ? join('', @$r) : $r];
    }

    my $request = $block->request;
    bail_out("$name - request empty") unless defined $request;
    my $more = $block->more_headers // '';
    my @list = ref $request eq 'ARRAY' ? @$request : ($request);
    my @out;
    my $i = 0;
    for my $r (@list) {
        my $h = ref $more eq 'ARRAY' ? $more->[$i] : $more;
        bail_out("$name - --- more_headers lacks data for request $i")
            unless defined $h;
        $r = join '', map { ref $_ eq 'HASH' ? $_->{value} : $_ } @$r
            if ref $r eq 'ARRAY';
        push @out, build_request($name, $r, $h);
        $i++;
    }
    return \@out;
}

sub send_request {
    my ($block, $req, $timeout) = @_;
    my $name = $block->name;
    my $sock;
    my $deadline = time + ($UseValgrind ? 30 : 5);
    while (1) {
        $sock = IO::Socket::INET->new(PeerAddr => $ServerAddr,
                                      PeerPort => $ServerPortForClient,
                                      Proto => 'tcp', Timeout => $timeout);
        last if $sock;
        if (time > $deadline) {
            Test::More->builder->ok(0, "$name - Can't connect to "
                . "$ServerAddr:$ServerPortForClient: $!");
            return undef;
        }
        sleep 0.05;
    }
    binmode $sock;
    $sock->autoflush(1);
    my $sel = IO::Select->new($sock);
    my $off = 0;
    my $end = time + $timeout;
    while ($off < length $req) {
        if (!$sel->can_write($end - time)) { last }
        my $n = syswrite($sock, $req, length($req) - $off, $off);
        last unless defined $n && $n > 0;
        $off += $n;
    }
    my $resp = '';
    while (1) {
        my $left = $end - time;
        if ($left <= 0 || !$sel->can_read($left)) {
            if (!defined $block->abort) {
                Test::More->builder->ok(0,
                    "ERROR: client socket timed out - $name");
            }
            last;
        }
        my $n = sysread($sock, my $buf, 65536);
        last if !$n;
        $resp .= $buf;
    }
    close $sock;
    return $resp;
}

# -> { code, raw_headers, headers => [[k, v], ...], body }
sub parse_response {
    my ($name, $raw, $head_req) = @_;
    my $res = { code => undef, raw_headers => '', headers => [], body => '' };
    return $res unless defined $raw && length $raw;
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    $body //= '';
    $res->{raw_headers} = "$head\r\n";
    my @lines = split /\r\n/, $head;
    my $status = shift @lines // '';
    $res->{code} = $1 if $status =~ m{^HTTP/\d+\.\d+\s+(\d+)};
    for my $l (@lines) {
        if ($l =~ /^([^:\s]+)\s*:\s*(.*)$/) {
            push @{ $res->{headers} }, [$1, $2];
        } elsif ($l =~ /^\s+(.*)/ && @{ $res->{headers} }) {
            $res->{headers}[-1][1] .= " $1";
        }
    }
    my $code = $res->{code} // 0;
    if ($head_req || $code == 304 || $code == 101 || $code == 204) {
        $res->{body} = $body;
        return $res;
    }
    my $te = header_of($res, 'Transfer-Encoding');
    my $len = header_of($res, 'Content-Length');
    if (defined $te && lc $te eq 'chunked') {
        my $decoded = '';
        my $ok = 0;
        pos($body) = 0;
        while ($body =~ /\G[ \t]*([0-9A-Fa-f]+)[^\r\n]*\r\n/gc) {
            my $size = hex $1;
            if ($size == 0) { $ok = 1; last }
            my $p = pos $body;
            last if length($body) < $p + $size + 2;
            $decoded .= substr($body, $p, $size);
            pos($body) = $p + $size;
            last unless $body =~ /\G\r\n/gc;
        }
        Test::More->builder->ok(0, "$name - invalid chunked body received")
            unless $ok;
        $res->{body} = $decoded;
    } elsif (defined $len && $len =~ /^\d+$/) {
        if (length $body < $len) {
            warn "WARNING: $name - response body truncated: $len expected, "
                 . "but got " . length($body) . "\n";
        }
        $res->{body} = substr($body, 0, $len);
    } else {
        $res->{body} = $body;
    }
    return $res;
}

sub header_of {
    my ($res, $key) = @_;
    my @v = map { $_->[1] } grep { lc $_->[0] eq lc $key } @{ $res->{headers} };
    return @v ? join(', ', @v) : undef;
}

# ---------------------------------------------------------------- checks

sub check_response {
    my ($block, $res, $idx, $rep, $need_array) = @_;
    my $name = $block->name;
    my $code = $res->{code} // '';

    if (defined $block->error_code_like) {
        my $v = get_indexed_value($name, $block->error_code_like, $idx,
                                  $need_array);
        t_like($code, qr/$v/sm, "$name - status code ok");
    } elsif (defined $block->error_code) {
        my $v = get_indexed_value($name, $block->error_code, $idx, $need_array);
        t_is($code, trim($v), "$name - status code ok");
    } else {
        t_is($code, 200, "$name - status code ok");
    }

    for my $k (qw(raw_response_headers_like raw_response_headers_unlike)) {
        next unless defined $block->$k;
        my $v = get_indexed_value($name, $block->$k, $idx, $need_array);
        if ($k =~ /unlike/) {
            t_unlike($res->{raw_headers}, qr/$v/s, "$name - raw resp headers unlike");
        } else {
            t_like($res->{raw_headers}, qr/$v/s, "$name - raw resp headers like");
        }
    }

    if (defined $block->response_headers) {
        my $h = parse_headers(get_indexed_value($name, $block->response_headers,
                                                $idx, $need_array));
        for my $key (sort keys %$h) {
            my $val = $h->{$key};
            if (!defined $val) {
                t_unlike($res->{raw_headers}, qr/^\s*\Q$key\E\s*:/ms,
                         "$name - header $key not present in the raw headers");
                next;
            }
            $val =~ s/\$ServerPort\b/$ServerPort/g;
            $val =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
            t_is(header_of($res, $key) // '', $val, "$name - header $key ok");
        }
    } elsif (defined $block->response_headers_like) {
        my $h = parse_headers(get_indexed_value($name,
                              $block->response_headers_like, $idx, $need_array));
        for my $key (sort keys %$h) {
            my $val = $h->{$key} // '';
            t_like(header_of($res, $key) // '', qr/^$val$/,
                   "$name - header $key like ok");
        }
    }

    my $content = $res->{body};
    if (defined $block->response_body) {
        my $exp = get_indexed_value($name, $block->response_body, $idx,
                                    $need_array);
        if (defined $exp && !ref $exp) {
            $exp =~ s/\$ServerPort\b/$ServerPort/g;
            $exp =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
            $exp = expand_env_in_text($exp, $name);
        }
        my $desc = "$name - response_body - response is expected "
                   . "(repeated req $rep, req $idx)";
        if (ref $exp) {
            t_like($content, $exp, "$name - response_body - like "
                   . "(repeated req $rep, req $idx)");
        } else {
            t_is($content, $exp, $desc);
        }
    } elsif (defined $block->response_body_like
             || defined $block->response_body_unlike) {
        my $like = defined $block->response_body_like;
        my $pat = get_indexed_value($name, $like ? $block->response_body_like
                                               : $block->response_body_unlike,
                                    $idx, $need_array);
        $pat =~ s/\$ServerPort\b/$ServerPort/g;
        $pat =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
        my $summary = trim($content) // '';
        $summary =~ s/\s+/ /g;
        $summary = substr($summary, 0, 200) . '...' if length $summary > 200;
        my $type = $like ? 'like' : 'unlike';
        my $f = $like ? \&t_like : \&t_unlike;
        $f->($content, qr/$pat/s,
             "$name - response_body_$type - response is expected ($summary)");
    }

    for my $check (@ResponseBodyChecks) {
        $check->($block, $content, $idx, $rep, $DryRun);
    }
}

sub error_log_data {
    sleep $Sleep * 3;
    open my $in, '<', $ErrLogFile or return [];
    seek $in, $ErrLogFilePos, 0 if !$CheckAccumErrLog && $ErrLogFilePos > 0;
    my @lines = <$in>;
    $ErrLogFilePos = tell($in) unless $CheckAccumErrLog;
    close $in;
    return \@lines;
}

sub pattern_list {
    my $pats = shift;
    if (!ref $pats) {
        chomp $pats;
        return [split /\n+/, $pats];
    }
    return [$pats] if ref $pats eq 'Regexp';
    return [@$pats];
}

sub line_matches {
    my ($line, $pat) = @_;
    return ref $pat ? $line =~ /$pat/ : index($line, $pat) >= 0;
}

sub contains_text {
    my ($val, $text) = @_;
    return grep { !ref $_ || ref $_ eq 'Regexp' ? "$_" =~ /\Q$text\E/ : 0 }
           (ref $val eq 'ARRAY' ? @$val : ($val));
}

sub check_error_log {
    my ($block, $rep, $lines) = @_;
    my $name = $block->name;
    my %warn_for = map { $_ => 1 } qw(alert crit emerg);

    if (defined(my $grep = $block->grep_error_log)) {
        my $pat = ref $grep eq 'ARRAY' ? $grep->[$rep] : $grep;
        my $exp = $block->grep_error_log_out;
        bail_out("$name - No --- grep_error_log_out defined but "
                 . "--- grep_error_log is defined") unless defined $exp;
        $exp = $exp->[$rep] if ref $exp eq 'ARRAY';
        $exp = expand_env_in_text($exp, $name) unless ref $exp;
        $lines ||= error_log_data();
        my $matched = '';
        for my $line (@$lines) {
            if ((ref $pat && $line =~ /$pat/) || $line =~ /\Q$pat\E/) {
                $matched .= "$&\n" if $& !~ /\n/;
            }
        }
        if (ref $exp eq 'Regexp') {
            t_like($matched, $exp, "$name - grep_error_log_out (req $rep)");
        } else {
            t_is($matched, $exp, "$name - grep_error_log_out (req $rep)");
        }
    } elsif (defined $block->grep_error_log_out) {
        bail_out("$name - No --- grep_error_log defined but "
                 . "--- grep_error_log_out is defined");
    }

    if (defined(my $pats = $block->error_log)) {
        for my $lvl (keys %warn_for) {
            delete $warn_for{$lvl} if contains_text($pats, "[$lvl");
        }
        my $list = pattern_list($pats);
        $lines ||= error_log_data();
        for my $line (@$lines) {
            for my $p (@$list) {
                next unless defined $p;
                if (line_matches($line, $p)) {
                    t_ok(1, "$name - pattern \"$p\" matches a line in "
                         . "error.log (req $rep)");
                    undef $p;
                }
            }
        }
        for my $p (grep { defined } @$list) {
            t_ok(0, "$name - pattern \"$p\" should match a line in "
                 . "error.log (req $rep)");
        }
    }

    if (defined(my $pats = $block->no_error_log)) {
        for my $lvl (keys %warn_for) {
            delete $warn_for{$lvl} if contains_text($pats, "[$lvl");
        }
        my $list = pattern_list($pats);
        $lines ||= error_log_data();
        my %found;
        for my $i (0 .. $#$lines) {
            for my $p (@$list) {
                next unless defined $p && line_matches($lines->[$i], $p);
                $found{$p} = 1;
                my @more = @$lines[$i + 1 .. ($i + 9 < $#$lines ? $i + 9 : $#$lines)];
                t_ok(0, "$name - pattern \"" . fmt_str($p) . "\" should not "
                     . "match any line in error.log but matches line \""
                     . fmt_str($lines->[$i]) . "\" (req $rep)", join '', @more);
            }
        }
        for my $p (grep { defined && !$found{$_} } @$list) {
            t_ok(1, "$name - pattern \"" . fmt_str($p) . "\" does not match "
                 . "a line in error.log (req $rep)");
        }
    }

    return if $DryRun;
    $lines ||= error_log_data();
    for my $line (@$lines) {
        for my $lvl (keys %warn_for) {
            warn "WARNING: $name - " . fmt_str($line) . "\n"
                if $line =~ /\[$lvl\]/;
        }
        if ($line =~ /\bAssertion .*?failed\b/) {
            chomp(my $l = $line);
            Test::More->builder->ok(0, "$name - $l");
        }
    }
}

# ---------------------------------------------------------------- the run

my %Unsupported = map { $_ => 1 } qw(
    tcp_listen tcp_reply tcp_query tcp_query_len udp_listen udp_reply
    udp_query pipelined_requests shutdown_error_log no_shutdown_error_log
    access_log no_access_log stap stap_out stap_out_like http2 http3
    reload_fails skip_nginx skip_nginx2 skip_openssl skip_slave skip_eval
    todo todo_nginx response_body_json_sort response_body_filters
    post_setup_server_root
);

sub run_tests () {
    srand($$ + int(time * 1000));
    $ENV{TEST_NGINX_SERVER_PORT} //= $ServerPort;

    if (!can_run($NginxBinary)) {
        bail_out("Cannot find the nginx executable \"$NginxBinary\" "
                 . "(set TEST_NGINX_BINARY)");
    }

    my @blocks = Test::Base::blocks();
    @blocks = shuffle @blocks unless $NoShuffle;
    for my $block (@blocks) {
        $_->($block) for @BlockPreprocessors;
        $block->set_value('name', "$0 " . $block->name);
        run_test($block);
        $_->($block) for @TestCleanupHandlers;
    }
    cleanup();
}

sub run_test {
    my $block = shift;
    return if defined $block->SKIP;
    my $name = $block->name;

    for my $sec (@{ $block->{_section_order} || [] }) {
        if ($Unsupported{$sec}) {
            Test::More->builder->ok(0, "$name - the --- $sec section is not "
                . "supported by the fallback runner (t/lib/fallback); run "
                . "this file under the real Test::Nginx");
            return;
        }
    }

    %RandPorts = ();
    my $config = $block->config;
    if (!defined $config) {
        bail_out("$name - No '--- config' section specified and could not "
                 . "get previous one.") unless defined $PrevConfig;
        $config = $PrevConfig;
    }
    $PrevConfig = $config;
    $config = expand_env_in_text($config, $name);

    local $DryRun = $DryRun;
    if ($CheckLeak) {
        $DryRun = 'the "check leak" testing mode';
    }
    my $must_die = $block->must_die;
    local $UseValgrind = defined $must_die ? undef : $UseValgrind;

    # must_die blocks never run under valgrind; nginx daemonizes so that
    # the exit status of the start command tells whether it died
    local $DaemonEnabled = defined $must_die ? 'on' : $DaemonEnabled;

    kill_stale_nginx();
    setup_server_root();
    write_user_files($block);
    write_config_file($block, $config);
    $ErrLogFilePos = 0;

    if (defined $must_die) {
        # like upstream: nginx is started (and must die) once per repeat
        for my $rep (0 .. $RepeatEach - 1) {
            $ErrLogFilePos = 0;
            unlink $ErrLogFile;
            run_must_die($block, $rep);
        }
        return;
    }

    my ($status, $stderr) = spawn_nginx($name);

    if (defined $status) {
        if ($status != 0) {
            Test::More->builder->ok(0, "$name - nginx failed to start "
                . "(status " . ($status >> 8) . ")");
            Test::More->builder->diag("nginx startup output:\n"
                                      . start_failed_text($stderr));
            return;
        }
        my $t = time + 5;
        sleep 0.01 while !read_pid_file() && time < $t;
        $NginxPid = read_pid_file();
    }

    if (!wait_for_port($name, $UseValgrind ? 60 : 10)) {
        Test::More->builder->ok(0, "$name - nginx is not accepting "
            . "connections on $ServerAddr:$ServerPortForClient");
        Test::More->builder->diag(start_failed_text(slurp($StderrFile) // ''));
        stop_nginx($name);
        return;
    }

    if ($block->init) {
        eval $block->init;
        bail_out("$name - init failed: $@") if $@;
    }

    my $timeout = parse_time($block->timeout) // $Timeout;
    $timeout *= 5 if $UseValgrind;

    if ($CheckLeak && !defined $block->no_check_leak) {
        leak_test($block, $timeout);
    }

    for my $rep (0 .. $RepeatEach - 1) {
        write_user_files($block) if $rep > 0;
        run_requests($block, $rep, $timeout);
    }

    stop_nginx($name);
}

sub run_must_die {
    my ($block, $rep) = @_;
    my $name = $block->name;
    my $must_die = $block->must_die;
    local $DryRun;      # upstream checks must_die even in check-leak mode
    my ($status, $stderr) = spawn_nginx($name);
    if ($must_die =~ /^\s*(\d+)\s*$/) {
        t_is($1, ($status // 0) >> 8, "$name - die with the expected exit code");
    } else {
        t_isnt($status // 0, 0, "$name - die as expected");
    }
    # the startup errors: error.log (nginx -e) and, failing that, stderr
    my $lines = error_log_data();
    if (!grep { /\S/ } @$lines) {
        $lines = [split /^/, $stderr // ''];
    }
    check_error_log($block, $rep, $lines);
    if (defined $status && $status == 0) {
        warn "WARNING: $name - nginx must die but it does not; killing it\n";
        my $t = time + 2;
        sleep 0.02 while !-s $PidFile && time < $t;
        $NginxPid = read_pid_file();
        stop_nginx($name);
    }
}

sub run_requests {
    my ($block, $rep, $timeout) = @_;
    my $name = $block->name;
    my $reqs = requests_of_block($block);
    my $need_array = @$reqs > 1;
    for my $idx (0 .. $#$reqs) {
        my $raw = $DryRun ? "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"
                          : send_request($block, $reqs->[$idx], $timeout);
        my $head = $reqs->[$idx] =~ /^\s*HEAD\s/;
        my $res = parse_response($name, $raw, $head);
        if (!defined $block->ignore_response) {
            check_response($block, $res, $idx, $rep, $need_array);
        }
        if ($idx < $#$reqs) {
            sleep $block->wait if $block->wait;
            check_error_log($block, $rep);
        }
    }
    sleep $block->wait if $block->wait;
    check_error_log($block, $rep);
}

# TEST_NGINX_CHECK_LEAK: like upstream, every assertion is skipped; the first
# request is sent $CheckLeakCount times and the worker's RSS is reported.
sub leak_test {
    my ($block, $timeout) = @_;
    my $name = $block->name;
    my $req = requests_of_block($block)->[0];
    my $pid = $NginxPid;
    my @rss;
    local $DryRun;
    for (1 .. $CheckLeakCount) {
        send_request($block, $req, $timeout);
        my $st = slurp("/proc/$pid/status") // '';
        push @rss, $1 if $st =~ /^VmRSS:\s+(\d+)/m;
    }
    warn "$name\nLeakTest: [@rss]\n";
    if (@rss > 1) {
        my $n = @rss;
        my ($sx, $sy, $sxy, $sxx) = (0, 0, 0, 0);
        for my $i (0 .. $n - 1) {
            $sx += $i; $sy += $rss[$i]; $sxy += $i * $rss[$i]; $sxx += $i * $i;
        }
        my $d = $n * $sxx - $sx * $sx;
        warn "LeakTest: k=" . ($d ? ($n * $sxy - $sx * $sy) / $d : 0) . "\n";
    }
}

1;
