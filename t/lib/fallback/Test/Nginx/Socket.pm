package Test::Nginx::Socket;

# The project's small stand-in for openresty/test-nginx's Test::Nginx::Socket,
# used by t/lib/Cognito.pm ONLY when the real module cannot be loaded.  It
# reads the same data-section format (through Test::Base, like the real one)
# and exports the same names, so a t/*.t file passes unchanged under both.
# The work is done in Test::Nginx::Fallback::Runner; this file only makes
# Test::Nginx::Socket a Test::Base subclass (which gives the caller plan,
# blocks, is, like, ... and the Test::Base filters) and re-exports the
# runner's functions.  Keep this file free of plain "sub name {" definitions:
# Test::Base -Base rewrites those into methods.

use Test::Base -Base;

use Test::Nginx::Fallback::Runner;

our $VERSION = '0.01-cognito-fallback';

our @EXPORT = @Test::Nginx::Fallback::Runner::EXPORT_TO_TESTS;

1;
