<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use BadMethodCallException;
use Config;
use MediaWiki\Auth\AbstractPrimaryAuthenticationProvider;
use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider;
use MediaWiki\Extension\AuthBridge\PassesWebsiteUsers;
use MediaWiki\Extension\AuthBridge\ProfileSync;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserNameUtils;
use MediaWiki\User\UserOptionsManager;
use Psr\Log\LoggerInterface;
use StatusValue;
use User;

/**
 * Passes a login that Special:AuthBridgeLogin proved with a single-sign-on ticket, so the wiki
 * logs the person in itself: SessionManager sets the wiki's own cookies, remember-me and
 * auto-creation work as with the login form, and profile and groups are synced by the same
 * ProfileSync as the password login. Abstains on everything else (forms, clientlogin, bots).
 */
class SsoPrimaryAuthenticationProvider extends AbstractPrimaryAuthenticationProvider {
	use PassesWebsiteUsers;

	public const CONSTRUCTOR_OPTIONS = [
		'AuthBridgeGroupMap',
		'AuthBridgeSyncProfile',
	];

	/** @var ServiceOptions */
	private $options;
	/** @var ProfileSync */
	private $profileSync;
	/** @var LoggerInterface */
	private $bridgeLogger;

	public function __construct(
		Config $mainConfig,
		UserGroupManager $userGroupManager,
		UserOptionsManager $userOptionsManager,
		?LoggerInterface $logger = null
	) {
		$this->options = new ServiceOptions( self::CONSTRUCTOR_OPTIONS, $mainConfig );
		$this->bridgeLogger = $logger ?? LoggerFactory::getInstance( 'AuthBridge' );
		$this->profileSync = new ProfileSync(
			$userGroupManager, $userOptionsManager,
			(array)$this->options->get( 'AuthBridgeGroupMap' ), $this->bridgeLogger
		);
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
		$remote = $req->remoteUser;
		$name = $this->userNameUtils->getCanonical( $remote->username, UserNameUtils::RIGOR_CREATABLE );
		if ( $name !== $remote->username ) {
			$this->bridgeLogger->error( 'SSO: the identity API named a user MediaWiki cannot use: {remoteName}', [
				'remoteName' => $remote->username,
			] );
			return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-unavailable' ) );
		}
		$passwordProvider = $this->manager->getAuthenticationProvider( AuthBridgePrimaryAuthenticationProvider::class );
		if ( $passwordProvider instanceof AuthBridgePrimaryAuthenticationProvider && $passwordProvider->isLocalOnly( $name ) ) {
			$this->bridgeLogger->warning( 'SSO: refused {user}: the wiki account of that name is local-only', [
				'user' => $name,
			] );
			return AuthenticationResponse::newFail( wfMessage( 'authbridge-sso-error-localonly' ) );
		}
		return $this->passWebsiteUser( $name, $remote, 'ticket' );
	}

	/** @inheritDoc */
	public function testUserExists( $username, $flags = User::READ_NORMAL ) {
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
