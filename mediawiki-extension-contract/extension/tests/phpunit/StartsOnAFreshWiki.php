<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\MediaWikiServices;
use User;

/**
 * One test, run by two classes (WikiIsolationTest, WikiIsolationAgainTest): it finds no trace
 * of itself, then leaves a user row and a main-stash entry behind. Whichever class runs second,
 * in any order PHPUnit picks, fails unless FreshWiki gave it the wiki as install.php left it.
 */
trait StartsOnAFreshWiki {
	public function testFindsNoStateALaterOrEarlierClassLeftBehind(): void {
		$services = MediaWikiServices::getInstance();
		$name = 'Isolation marker';
		$stash = $services->getMainObjectStash();
		$key = $stash->makeGlobalKey( 'authbridge-isolation-marker' );

		$this->assertNull( $services->getUserIdentityLookup()->getUserIdentityByName( $name ),
			'no user row from another test class' );
		$this->assertFalse( $stash->get( $key ), 'no main stash entry from another test class' );

		$this->assertInstanceOf( User::class, User::createNew( $name ) );
		$this->assertTrue( $stash->set( $key, static::class, $stash::TTL_INDEFINITE ) );
		// Written for real: visible through the database and a fresh read of the stash.
		$this->assertNotNull( $services->getUserIdentityLookup()->getUserIdentityByName( $name ) );
		$this->assertSame( static::class, $stash->get( $key, $stash::READ_LATEST ) );
	}
}
