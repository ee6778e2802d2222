<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use PHPUnit\Framework\TestCase;

/**
 * The base of every AuthBridge test class: each class starts on a freshly installed wiki
 * (FreshWiki), so no class sees the users, links or sessions another class left behind.
 * WikiIsolationTest fails when a test class does not extend it.
 */
abstract class WikiTestCase extends TestCase {
	public static function setUpBeforeClass(): void {
		parent::setUpBeforeClass();
		FreshWiki::restore();
	}
}
