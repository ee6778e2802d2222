<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use PHPUnit\Framework\Attributes\CoversNothing;

/**
 * The second class of the isolation proof (see StartsOnAFreshWiki): the same marker test in
 * another class, so one of the two always runs after the other has left its state behind.
 *
 * @coversNothing
 */
#[CoversNothing]
class WikiIsolationAgainTest extends WikiTestCase {
	use StartsOnAFreshWiki;
}
