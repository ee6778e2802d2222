<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Extension\AuthBridge\RemoteUser;

/**
 * Carries an identity that Special:AuthBridgeLogin has already proven (ticket signature
 * checked, ticket redeemed at the identity API) into AuthManager::beginAuthentication.
 *
 * No provider offers it in getAuthenticationRequests() and loadFromSubmission() refuses every
 * submission, so neither the login form nor action=clientlogin can ever build one from what a
 * client sends: only PHP code holding a RemoteUser can.
 */
class SsoAuthenticationRequest extends AuthenticationRequest {
	/** @var RemoteUser */
	public $remoteUser;

	public function __construct( RemoteUser $remoteUser ) {
		$this->remoteUser = $remoteUser;
		$this->username = $remoteUser->username;
		$this->required = self::REQUIRED;
	}

	/**
	 * Only the user name, and hidden: so AuthManager's login throttle counts (and, after the
	 * login, clears) this name as for any login, instead of a name-less key. No form ever shows
	 * it (no provider offers this request) and loadFromSubmission() never fills it.
	 *
	 * @inheritDoc
	 */
	public function getFieldInfo() {
		return [
			'username' => [
				'type' => 'hidden',
				'label' => wfMessage( 'userlogin-yourname' ),
				'help' => wfMessage( 'authmanager-username-help' ),
			],
		];
	}

	/** @inheritDoc */
	public function loadFromSubmission( array $data ) {
		return false;
	}
}
