<?php
/**
 * PHPUnit bootstrap: installs a throwaway SQLite wiki (Debian's MediaWiki by default,
 * or MW_INSTALL_PATH) with AuthBridge loaded, then sets MediaWiki up the way maintenance
 * scripts do, so tests run against real MediaWiki classes, services and database.
 */

// phpcs:disable MediaWiki.NamingConventions.ValidGlobalName.allowedPrefix

$authBridgeMwPath = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
if ( !is_file( "$authBridgeMwPath/includes/Setup.php" ) ) {
	fwrite( STDERR, "MediaWiki not found at $authBridgeMwPath (set MW_INSTALL_PATH)\n" );
	exit( 1 );
}
$authBridgeDir = sys_get_temp_dir() . '/authbridge-phpunit-' . getmypid() . '-' . bin2hex( random_bytes( 4 ) );
mkdir( $authBridgeDir, 0700, true );
register_shutdown_function( static function () use ( $authBridgeDir ) {
	foreach ( new RecursiveIteratorIterator(
		new RecursiveDirectoryIterator( $authBridgeDir, FilesystemIterator::SKIP_DOTS ),
		RecursiveIteratorIterator::CHILD_FIRST
	) as $file ) {
		$file->isDir() ? rmdir( $file->getPathname() ) : unlink( $file->getPathname() );
	}
	rmdir( $authBridgeDir );
} );

$authBridgeCmd = [
	PHP_BINARY, "$authBridgeMwPath/maintenance/install.php",
	'--dbtype=sqlite', "--dbpath=$authBridgeDir", '--dbname=wiki',
	'--server=http://127.0.0.1', '--scriptpath=', "--confpath=$authBridgeDir",
	'--pass=' . bin2hex( random_bytes( 12 ) ), 'AuthBridgeTest', 'Admin',
];
$authBridgeProc = proc_open( $authBridgeCmd, [ 1 => [ 'pipe', 'w' ], 2 => [ 'pipe', 'w' ] ], $authBridgePipes );
$authBridgeOut = stream_get_contents( $authBridgePipes[1] ) . stream_get_contents( $authBridgePipes[2] );
if ( proc_close( $authBridgeProc ) !== 0 ) {
	fwrite( STDERR, "MediaWiki install failed:\n$authBridgeOut\n" );
	exit( 1 );
}
file_put_contents( "$authBridgeDir/LocalSettings.php", "\n" . implode( "\n", [
	'wfLoadExtension( \'AuthBridge\', ' . var_export( dirname( __DIR__, 2 ) . '/extension.json', true ) . ' );',
	'$wgAuthBridgeApiUrl = \'http://127.0.0.1:9\';',
	'$wgAuthBridgeApiSecret = \'abk_test_secret\';',
	'$wgAuthBridgeGroupMap = [ \'editors\' => \'editor\', \'staff\' => [ \'sysop\', \'interface-admin\' ] ];',
	'$wgAuthBridgeLocalOnlyUsers = [ \'Listed local\' ];',
	'$wgGroupPermissions[\'editor\'][\'edit\'] = true;',
	'$wgShowExceptionDetails = true;',
] ) . "\n", FILE_APPEND );
require_once __DIR__ . '/FreshWiki.php';
MediaWiki\Extension\AuthBridge\Tests\FreshWiki::snapshot( $authBridgeDir, 'wiki' );

define( 'MEDIAWIKI', true );
define( 'MW_ENTRY_POINT', 'cli' );
define( 'MW_CONFIG_FILE', "$authBridgeDir/LocalSettings.php" );
// As a maintenance script defines it. It also lets FreshWiki reset the service container between
// test classes (MediaWikiServices::resetGlobalInstance() refuses after Setup.php otherwise)
// without MW_PHPUNIT_TEST, which would change how the MediaWiki under test behaves.
define( 'RUN_MAINTENANCE_IF_MAIN', "$authBridgeMwPath/maintenance/doMaintenance.php" );
if ( !defined( 'MW_INSTALL_PATH' ) ) {
	define( 'MW_INSTALL_PATH', $authBridgeMwPath );
}
global $IP, $wgCommandLineMode;
$IP = $authBridgeMwPath;
$wgCommandLineMode = true;
require_once "$authBridgeMwPath/includes/BootstrapHelperFunctions.php";
require_once "$authBridgeMwPath/includes/Setup.php";

require_once __DIR__ . '/FakeApi.php';
require_once __DIR__ . '/ArrayLogger.php';
require_once __DIR__ . '/ProviderTestHelper.php';
require_once __DIR__ . '/WikiTestCase.php';
require_once __DIR__ . '/StartsOnAFreshWiki.php';
