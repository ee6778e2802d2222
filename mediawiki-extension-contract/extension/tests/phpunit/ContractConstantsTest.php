<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Extension\AuthBridge\Generated\ContractConstants;
use PHPUnit\Framework\Attributes\CoversClass;
use ReflectionClass;

/**
 * The generated class says what contract.constants.json says (a stale ContractConstants.php
 * fails here as well as in the TypeScript unit test), and extension.json's REST route is the
 * contract's.
 *
 * @covers \MediaWiki\Extension\AuthBridge\Generated\ContractConstants
 */
#[CoversClass( ContractConstants::class )]
class ContractConstantsTest extends WikiTestCase {
	private static function source(): array {
		$file = dirname( __DIR__, 3 ) . '/contract.constants.json';
		return json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR )['constants'];
	}

	public function testEveryConstantMatchesTheContractSource(): void {
		$source = self::source();
		$generated = ( new ReflectionClass( ContractConstants::class ) )->getConstants();
		$this->assertSame( array_keys( $source ), array_keys( $generated ) );
		foreach ( $source as $name => $constant ) {
			$expected = $constant['kind'] === 'pattern' ? '/' . $constant['value'] . '/' : $constant['value'];
			$this->assertSame( $expected, $generated[$name], $name );
		}
	}

	public function testTheRestRouteIsTheContractsLogoutRoute(): void {
		$extension = json_decode( file_get_contents( dirname( __DIR__, 2 ) . '/extension.json' ), true );
		$paths = array_column( $extension['RestRoutes'], 'path' );
		$this->assertContains( ContractConstants::WIKI_REST_LOGOUT_ROUTE, $paths );
	}

	public function testTheJtiPatternAcceptsOnlyItsBounds(): void {
		// 16 and 64 characters are the contract's bounds; a regenerated pattern that moved them fails here.
		$this->assertSame( 1, preg_match( ContractConstants::SSO_JTI_PATTERN, str_repeat( 'a', 16 ) ) );
		$this->assertSame( 1, preg_match( ContractConstants::SSO_JTI_PATTERN, str_repeat( 'a', 64 ) ) );
		$this->assertSame( 0, preg_match( ContractConstants::SSO_JTI_PATTERN, str_repeat( 'a', 15 ) ) );
		$this->assertSame( 0, preg_match( ContractConstants::SSO_JTI_PATTERN, str_repeat( 'a', 65 ) ) );
	}
}
