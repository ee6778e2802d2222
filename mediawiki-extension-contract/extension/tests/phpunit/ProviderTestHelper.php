<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Config\HashConfig;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Extension\AuthBridge\ProfileSync;
use MediaWiki\MediaWikiServices;
use PHPUnit\Framework\TestCase;
use Psr\Log\NullLogger;

/** Builds the providers' services with real MediaWiki services and a FakeApi in place of the network. */
trait ProviderTestHelper {
	/** @var ArrayLogger */
	protected $log;

	protected const SECRET = 'abk_wikiclient_s3cr3t-never-logged';
	protected const PASSWORD = 'pw-never-logged-9f3a';

	private static function settings( array $settings ): HashConfig {
		return new HashConfig( $settings + [
			'AuthBridgeApiUrl' => 'http://api.test/',
			'AuthBridgeApiSecret' => self::SECRET,
			'AuthBridgeTimeout' => 3,
			'AuthBridgeAuthoritative' => false,
			'AuthBridgeGroupMap' => [ 'editors' => 'editor', 'staff' => [ 'sysop', 'interface-admin' ] ],
			'AuthBridgeLocalOnlyUsers' => [ 'listed_local' ],
			'AuthBridgePasswordChangeUrl' => 'https://www.example.org/account/password',
			'AuthBridgeSyncProfile' => true,
		] );
	}

	/** The AccountOwnership service as ServiceWiring.php builds it, logging to $this->log. */
	protected function newOwnership( array $settings = [] ): AccountOwnership {
		$services = MediaWikiServices::getInstance();
		$this->log = $this->log ?? new ArrayLogger();
		return new AccountOwnership(
			new ServiceOptions( AccountOwnership::CONSTRUCTOR_OPTIONS, self::settings( $settings ) ),
			$services->getDBLoadBalancer(),
			$services->getUserNameUtils(),
			$services->getUserOptionsManager(),
			$services->getPasswordFactory(),
			$services->getTempUserConfig(),
			$this->log
		);
	}

	protected function newProfileSync( array $settings = [] ): ProfileSync {
		$config = self::settings( $settings );
		return new ProfileSync(
			MediaWikiServices::getInstance()->getUserFactory(),
			MediaWikiServices::getInstance()->getUserGroupManager(),
			(array)$config->get( 'AuthBridgeGroupMap' ),
			$this->log ?? new ArrayLogger()
		);
	}

	protected function newProvider(
		FakeApi $api, array $settings = [], ?AccountOwnership $ownership = null
	): AuthBridgePrimaryAuthenticationProvider {
		/** @var TestCase $this */
		$services = MediaWikiServices::getInstance();
		$config = self::settings( $settings );
		$this->log = new ArrayLogger();
		$client = new ApiClient(
			$api->factory(),
			(string)$config->get( 'AuthBridgeApiUrl' ),
			(string)$config->get( 'AuthBridgeApiSecret' ),
			(float)$config->get( 'AuthBridgeTimeout' ),
			$this->log
		);
		$provider = new AuthBridgePrimaryAuthenticationProvider(
			$config, $client, $ownership ?? $this->newOwnership( $settings ), $this->newProfileSync( $settings ),
			new WebsiteState( $services->getUserOptionsManager() ), $this->log );
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
