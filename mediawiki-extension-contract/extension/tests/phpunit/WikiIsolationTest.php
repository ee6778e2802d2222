<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use PHPUnit\Framework\Attributes\CoversNothing;

/**
 * Every test class starts on a freshly installed wiki (FreshWiki): proven by the marker test it
 * shares with WikiIsolationAgainTest, and kept true by failing when a class skips WikiTestCase.
 *
 * @coversNothing
 */
#[CoversNothing]
class WikiIsolationTest extends WikiTestCase {
	use StartsOnAFreshWiki;

	public function testEveryTestClassStartsOnAFreshWiki(): void {
		$files = glob( __DIR__ . '/*Test.php' );
		$this->assertGreaterThan( 10, count( $files ) );
		foreach ( $files as $file ) {
			require_once $file;
			$class = __NAMESPACE__ . '\\' . basename( $file, '.php' );
			$this->assertTrue( is_subclass_of( $class, WikiTestCase::class ),
				basename( $file ) . ' extends WikiTestCase, so it cannot see another class\'s wiki' );
		}
	}
}
