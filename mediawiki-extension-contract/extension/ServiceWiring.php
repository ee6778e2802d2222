<?php
/**
 * AuthBridge's services, built once per request and shared by both authentication providers,
 * the special page, the hooks, the REST route and the maintenance scripts (extension.json lists
 * them by name; PHP code reaches them through AuthBridgeServices).
 *
 * @file
 */

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\Admin\AccountAdmin;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\AuthBridgeServices;
use MediaWiki\Extension\AuthBridge\Lifecycle\AccountLifecycle;
use MediaWiki\Extension\AuthBridge\Lifecycle\LinkedAccounts;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Extension\AuthBridge\ProfileSync;
use MediaWiki\Extension\AuthBridge\Sso\SsoServices;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;
use MediaWiki\Session\SessionManager;
use MediaWiki\Session\SessionManagerInterface;

return [
	'AuthBridge.ApiClient' => static function ( MediaWikiServices $services ): ApiClient {
		$config = $services->getMainConfig();
		return new ApiClient(
			$services->getHttpRequestFactory(),
			(string)$config->get( 'AuthBridgeApiUrl' ),
			(string)$config->get( 'AuthBridgeApiSecret' ),
			(float)$config->get( 'AuthBridgeTimeout' ),
			LoggerFactory::getInstance( 'AuthBridge' )
		);
	},

	'AuthBridge.ProfileSync' => static function ( MediaWikiServices $services ): ProfileSync {
		return new ProfileSync(
			$services->getUserFactory(),
			$services->getUserGroupManager(),
			(array)$services->getMainConfig()->get( 'AuthBridgeGroupMap' ),
			LoggerFactory::getInstance( 'AuthBridge' )
		);
	},

	'AuthBridge.AccountOwnership' => static function ( MediaWikiServices $services ): AccountOwnership {
		return new AccountOwnership(
			new ServiceOptions( AccountOwnership::CONSTRUCTOR_OPTIONS, $services->getMainConfig() ),
			$services->getDBLoadBalancer(),
			$services->getUserNameUtils(),
			$services->getUserOptionsManager(),
			$services->getPasswordFactory(),
			$services->getTempUserConfig(),
			LoggerFactory::getInstance( 'AuthBridge' )
		);
	},

	'AuthBridge.SsoServices' => static function ( MediaWikiServices $services ): SsoServices {
		return new SsoServices(
			new ServiceOptions( SsoServices::CONSTRUCTOR_OPTIONS, $services->getMainConfig() ),
			AuthBridgeServices::wrap( $services )->getApiClient(),
			$services->getMainWANObjectCache(),
			$services->getMainObjectStash()
		);
	},

	// Core's session manager: a service from MediaWiki 1.45 (where SessionManager::singleton() is
	// deprecated); before that, the singleton is the only way to reach it.
	'AuthBridge.SessionManager' => static function ( MediaWikiServices $services ): SessionManagerInterface {
		return $services->has( 'SessionManager' ) ? $services->get( 'SessionManager' ) : SessionManager::singleton();
	},

	// What the website last said of a linked account (disabled, deleted, active): set by the
	// back channel and by password logins, read by the lock and block hooks.
	'AuthBridge.WebsiteState' => static function ( MediaWikiServices $services ): WebsiteState {
		return new WebsiteState( $services->getUserOptionsManager() );
	},

	// Special:AuthBridge's reads and actions (the page itself renders only).
	'AuthBridge.AccountAdmin' => static function ( MediaWikiServices $services ): AccountAdmin {
		$bridge = AuthBridgeServices::wrap( $services );
		$config = $services->getMainConfig();
		return new AccountAdmin(
			$bridge->getApiClient(),
			$bridge->getAccountOwnership(),
			new LinkedAccounts( $bridge->getAccountOwnership(), $services->getUserFactory() ),
			$bridge->getSessionManager(),
			$services->getUserNameUtils(),
			(array)$config->get( 'AuthBridgeGroupMap' ),
			(string)$config->get( 'AuthBridgeWebsiteAdminUrl' ),
			LoggerFactory::getInstance( 'AuthBridge' )
		);
	},

	// The back channel's work on this wiki: the accounts linked to a website user id.
	'AuthBridge.AccountLifecycle' => static function ( MediaWikiServices $services ): AccountLifecycle {
		$bridge = AuthBridgeServices::wrap( $services );
		return new AccountLifecycle(
			new LinkedAccounts( $bridge->getAccountOwnership(), $services->getUserFactory() ),
			$bridge->getWebsiteState(),
			$bridge->getSessionManager(),
			$services->getBotPasswordStore(),
			LoggerFactory::getInstance( 'AuthBridge' )
		);
	},
];
