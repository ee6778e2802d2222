<?php

namespace MediaWiki\Extension\AuthBridge;

use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\Lifecycle\AccountLifecycle;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Extension\AuthBridge\Sso\SsoServices;
use MediaWiki\MediaWikiServices;
use MediaWiki\Session\SessionManagerInterface;

/** Typed access to the services of ServiceWiring.php, for code that MediaWiki does not inject. */
class AuthBridgeServices {
	/** @var MediaWikiServices */
	private $services;

	public function __construct( MediaWikiServices $services ) {
		$this->services = $services;
	}

	public static function getInstance(): self {
		return new self( MediaWikiServices::getInstance() );
	}

	public static function wrap( MediaWikiServices $services ): self {
		return new self( $services );
	}

	public function getApiClient(): ApiClient {
		return $this->services->getService( 'AuthBridge.ApiClient' );
	}

	public function getProfileSync(): ProfileSync {
		return $this->services->getService( 'AuthBridge.ProfileSync' );
	}

	public function getAccountOwnership(): AccountOwnership {
		return $this->services->getService( 'AuthBridge.AccountOwnership' );
	}

	public function getSsoServices(): SsoServices {
		return $this->services->getService( 'AuthBridge.SsoServices' );
	}

	public function getSessionManager(): SessionManagerInterface {
		return $this->services->getService( 'AuthBridge.SessionManager' );
	}

	public function getWebsiteState(): WebsiteState {
		return $this->services->getService( 'AuthBridge.WebsiteState' );
	}

	public function getAccountLifecycle(): AccountLifecycle {
		return $this->services->getService( 'AuthBridge.AccountLifecycle' );
	}

	public function getAccountAdmin(): Admin\AccountAdmin {
		return $this->services->getService( 'AuthBridge.AccountAdmin' );
	}
}
