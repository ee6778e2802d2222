<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use BadMethodCallException;
use MediaWiki\Auth\AbstractPrimaryAuthenticationProvider;
use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Config\Config;
use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Extension\AuthBridge\PassesWebsiteUsers;
use MediaWiki\Extension\AuthBridge\ProfileSync;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\Logger\LoggerFactory;
use Psr\Log\LoggerInterface;
use StatusValue;
use Wikimedia\Rdbms\IDBAccessObject;

/**
 * Passes a login that Special:AuthBridgeLogin proved with a single-sign-on ticket, so the wiki
 * logs the person in itself: SessionManager sets the wiki's own cookies, remember-me and
 * auto-creation work as with the login form, and profile and groups are synced by the same
 * ProfileSync as the password login. Which wiki account the ticket may log into is decided by
 * AccountOwnership, the same service the password login uses, so this provider cannot be
 * configured into skipping it (it fails closed: no ownership service, no provider). Abstains
 * on everything else (forms, clientlogin, bots).
 */
class SsoPrimaryAuthenticationProvider extends AbstractPrimaryAuthenticationProvider {
	use PassesWebsiteUsers;

	/** @var AccountOwnership */
	private $ownership;
	/** @var ProfileSync */
	private $profileSync;
	/** @var WebsiteState */
	private $websiteState;
	/** @var bool */
	private $syncProfile;
	/** @var LoggerInterface */
	private $bridgeLogger;

	public function __construct(
		Config $mainConfig,
		AccountOwnership $ownership,
		ProfileSync $profileSync,
		WebsiteState $websiteState,
		?LoggerInterface $logger = null
	) {
		$this->ownership = $ownership;
		$this->profileSync = $profileSync;
		$this->websiteState = $websiteState;
		$this->syncProfile = (bool)$mainConfig->get( 'AuthBridgeSyncProfile' );
		$this->bridgeLogger = $logger ?? LoggerFactory::getInstance( 'AuthBridge' );
	}

	/** @inheritDoc */
	public function getAuthenticationRequests( $action, array $options ) {
		// Never offered: the request is built by Special:AuthBridgeLogin only.
		return [];
	}

	/** @inheritDoc */
	public function beginPrimaryAuthentication( array $reqs ) {
		$req = AuthenticationRequest::getRequestByClass( $reqs, SsoAuthenticationRequest::class );
		if ( !$req || !( $req->remoteUser instanceof RemoteUser ) ) {
			return AuthenticationResponse::newAbstain();
		}
		return $this->passWebsiteUser( $req->remoteUser, 'ticket',
			AuthenticationResponse::newFail( wfMessage( 'authbridge-sso-error-localonly' ) ) );
	}

	/** @inheritDoc */
	public function testUserExists( $username, $flags = IDBAccessObject::READ_NORMAL ) {
		// The password provider answers for website accounts; this one only ever passes tickets.
		return false;
	}

	/** @inheritDoc */
	public function providerAllowsAuthenticationDataChange( AuthenticationRequest $req, $checkData = true ) {
		return StatusValue::newGood( 'ignored' );
	}

	/** @inheritDoc */
	public function providerChangeAuthenticationData( AuthenticationRequest $req ) {
	}

	/** @inheritDoc */
	public function accountCreationType() {
		return self::TYPE_NONE;
	}

	/** @inheritDoc */
	public function beginPrimaryAccountCreation( $user, $creator, array $reqs ) {
		throw new BadMethodCallException( 'AuthBridge does not create accounts; the website does' );
	}
}
