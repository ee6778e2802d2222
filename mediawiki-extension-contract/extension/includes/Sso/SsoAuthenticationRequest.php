<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Extension\AuthBridge\RemoteUser;

/**
 * Carries an identity that Special:AuthBridgeLogin has already proven (ticket signature
 * checked, ticket redeemed at the identity API) into AuthManager::beginAuthentication.
 *
 * It has no fields, and no provider offers it in getAuthenticationRequests(), so neither the
 * login form nor action=clientlogin can ever build one from what a client sends: only PHP
 * code holding a RemoteUser can.
 */
class SsoAuthenticationRequest extends AuthenticationRequest {
	/** @var RemoteUser */
	public $remoteUser;

	public function __construct( RemoteUser $remoteUser ) {
		$this->remoteUser = $remoteUser;
		$this->username = $remoteUser->username;
		$this->required = self::REQUIRED;
	}

	/** @inheritDoc */
	public function getFieldInfo() {
		return [];
	}

	/** @inheritDoc */
	public function loadFromSubmission( array $data ) {
		return false;
	}
}
