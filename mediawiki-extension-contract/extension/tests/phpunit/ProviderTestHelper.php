<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Config\HashConfig;
use MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider;
use MediaWiki\MediaWikiServices;
use PHPUnit\Framework\TestCase;
use Psr\Log\NullLogger;

/** Builds the provider with real MediaWiki services and a FakeApi in place of the network. */
trait ProviderTestHelper {
	/** @var ArrayLogger */
	protected $log;

	protected const SECRET = 'abk_wikiclient_s3cr3t-never-logged';
	protected const PASSWORD = 'pw-never-logged-9f3a';

	protected function newProvider( FakeApi $api, array $settings = [] ): AuthBridgePrimaryAuthenticationProvider {
		/** @var TestCase $this */
		$services = MediaWikiServices::getInstance();
		$config = new HashConfig( $settings + [
			'AuthBridgeApiUrl' => 'http://api.test/',
			'AuthBridgeApiSecret' => self::SECRET,
			'AuthBridgeTimeout' => 3,
			'AuthBridgeAuthoritative' => false,
			'AuthBridgeGroupMap' => [ 'editors' => 'editor', 'staff' => [ 'sysop', 'interface-admin' ] ],
			'AuthBridgeLocalOnlyUsers' => [ 'listed_local' ],
			'AuthBridgePasswordChangeUrl' => 'https://www.example.org/account/password',
			'AuthBridgeSyncProfile' => true,
		] );
		$this->log = new ArrayLogger();
		$provider = new AuthBridgePrimaryAuthenticationProvider(
			$config,
			$api->factory(),
			$services->getDBLoadBalancer(),
			$services->getUserGroupManager(),
			$services->getUserOptionsManager(),
			$this->log
		);
		$provider->init(
			new NullLogger(),
			$services->getAuthManager(),
			$services->getHookContainer(),
			$services->getMainConfig(),
			$services->getUserNameUtils()
		);
		return $provider;
	}

	protected function assertNothingSecretLogged(): void {
		$dump = $this->log->dump();
		$this->assertStringNotContainsString( self::SECRET, $dump, 'client secret in the log' );
		$this->assertStringNotContainsString( self::PASSWORD, $dump, 'password in the log' );
	}
}
