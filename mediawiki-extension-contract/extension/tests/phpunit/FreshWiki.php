<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\MediaWikiServices;
use RuntimeException;
use SQLite3;

/**
 * Gives every test class the wiki exactly as install.php left it, so the order the classes run
 * in (or a class run alone) cannot change a result. bootstrap.php takes the snapshot once,
 * before MediaWiki opens a connection; WikiTestCase::setUpBeforeClass() restores it.
 *
 * Hand-rolled because Debian's MediaWiki ships without core's tests/phpunit (where
 * MediaWikiIntegrationTestCase clones tables per test), and defining MW_PHPUNIT_TEST to get it
 * would change how the MediaWiki under test behaves (sessions, deferred updates, hooks).
 */
final class FreshWiki {
	/** @var string[] live SQLite file => its snapshot */
	private static $files = [];
	/** @var string the object cache's SQLite file ($wgObjectCaches[CACHE_DB] of install.php) */
	private static $cacheFile = '';

	/** Called by bootstrap.php after install.php, before Setup.php: nothing has the file open. */
	public static function snapshot( string $dir, string $dbName ): void {
		$live = "$dir/$dbName.sqlite";
		self::$files[$live] = "$dir/$dbName.snapshot.sqlite";
		self::copy( $live, self::$files[$live] );
		self::$cacheFile = "$dir/{$dbName}cache.sqlite";
	}

	/**
	 * Back to the snapshot: the wiki's database (pages, users, options, logs), its object
	 * cache (sessions, the main stash with used SSO tickets) and every service instance (the
	 * in-process caches of users, actors and options would otherwise outlive their rows).
	 */
	public static function restore(): void {
		$services = MediaWikiServices::getInstance();
		$lbFactory = $services->getDBLoadBalancerFactory();
		$lbFactory->rollbackPrimaryChanges( __METHOD__ );
		// No connection may hold the file while SQLite's backup API rewrites it.
		$lbFactory->closeAll( __METHOD__ );
		foreach ( self::$files as $live => $snapshot ) {
			self::copy( $snapshot, $live );
		}
		self::emptyObjectCache();
		// Allowed outside MW_PHPUNIT_TEST because bootstrap.php defines RUN_MAINTENANCE_IF_MAIN.
		MediaWikiServices::resetGlobalInstance();
	}

	/**
	 * The object cache (wikicache.sqlite, WAL mode) is emptied row by row, not replaced:
	 * SqlBagOStuff keeps its own connection open (LBFactory::closeAll() does not reach it), and
	 * a file swapped under that connection leaves it spinning on a lock on MediaWiki 1.43. An
	 * idle WAL reader does not block this writer. (SqlBagOStuff::deleteAll() does the same but
	 * is deprecated since 1.41.) The table appears at the cache's first write.
	 */
	private static function emptyObjectCache(): void {
		if ( !is_file( self::$cacheFile ) ) {
			return;
		}
		$db = new SQLite3( self::$cacheFile );
		$db->busyTimeout( 5000 );
		$db->enableExceptions( true );
		$tables = $db->query( "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'objectcache%'" );
		$names = [];
		while ( $row = $tables->fetchArray( SQLITE3_NUM ) ) {
			$names[] = $row[0];
		}
		foreach ( $names as $name ) {
			$db->exec( 'DELETE FROM "' . str_replace( '"', '""', $name ) . '"' );
		}
		$db->close();
	}

	/** SQLite's online backup: a consistent copy even of a database in WAL mode. */
	private static function copy( string $from, string $to ): void {
		$source = new SQLite3( $from, SQLITE3_OPEN_READONLY );
		$target = new SQLite3( $to );
		$target->busyTimeout( 5000 );
		$ok = $source->backup( $target );
		$source->close();
		$target->close();
		if ( !$ok ) {
			throw new RuntimeException( "FreshWiki: could not copy $from to $to" );
		}
	}
}
