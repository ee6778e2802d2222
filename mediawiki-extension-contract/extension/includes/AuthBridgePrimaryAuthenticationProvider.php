<?php

namespace MediaWiki\Extension\AuthBridge;

use BadMethodCallException;
use Config;
use InvalidPassword;
use MediaWiki\Auth\AbstractPasswordPrimaryAuthenticationProvider;
use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\Auth\TemporaryPasswordAuthenticationRequest;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Http\HttpRequestFactory;
use MediaWiki\Http\Telemetry;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserNameUtils;
use MediaWiki\User\UserOptionsManager;
use Psr\Log\LoggerInterface;
use StatusValue;
use User;
use WebRequest;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * Logs people in with the user name and password of their website account, by asking the
 * identity API (POST /v1/auth/verify). Wiki accounts are created on first login and their
 * email, real name and mapped groups follow the website at every login.
 */
class AuthBridgePrimaryAuthenticationProvider extends AbstractPasswordPrimaryAuthenticationProvider {
	use PassesWebsiteUsers;

	public const CONSTRUCTOR_OPTIONS = [
		'AuthBridgeApiUrl',
		'AuthBridgeApiSecret',
		'AuthBridgeTimeout',
		'AuthBridgeAuthoritative',
		'AuthBridgeGroupMap',
		'AuthBridgeLocalOnlyUsers',
		'AuthBridgePasswordChangeUrl',
		'AuthBridgeSyncProfile',
	];

	/** @var ServiceOptions */
	private $options;
	/** @var HttpRequestFactory */
	private $httpRequestFactory;
	/** @var ILoadBalancer */
	private $loadBalancer;
	/** @var ProfileSync */
	private $profileSync;
	/** @var LoggerInterface channel 'AuthBridge' */
	private $bridgeLogger;
	/** @var ApiClient|null */
	private $client = null;
	/** @var WebsiteState what the website said of a linked account; a login re-checks it */
	private $websiteState;

	/**
	 * @param Config $mainConfig
	 * @param HttpRequestFactory $httpRequestFactory
	 * @param ILoadBalancer $loadBalancer
	 * @param UserGroupManager $userGroupManager
	 * @param UserOptionsManager $userOptionsManager
	 * @param LoggerInterface|null $logger defaults to the 'AuthBridge' channel
	 */
	public function __construct(
		Config $mainConfig,
		HttpRequestFactory $httpRequestFactory,
		ILoadBalancer $loadBalancer,
		UserGroupManager $userGroupManager,
		UserOptionsManager $userOptionsManager,
		?LoggerInterface $logger = null
	) {
		$this->options = new ServiceOptions( self::CONSTRUCTOR_OPTIONS, $mainConfig );
		$this->options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		parent::__construct( [ 'authoritative' => (bool)$this->options->get( 'AuthBridgeAuthoritative' ) ] );
		$this->httpRequestFactory = $httpRequestFactory;
		$this->loadBalancer = $loadBalancer;
		$this->bridgeLogger = $logger ?? LoggerFactory::getInstance( 'AuthBridge' );
		$this->profileSync = new ProfileSync(
			$userGroupManager,
			$userOptionsManager,
			(array)$this->options->get( 'AuthBridgeGroupMap' ),
			$this->bridgeLogger
		);
		$this->websiteState = new WebsiteState( $userOptionsManager );
	}

	private function getClient(): ApiClient {
		if ( !$this->client ) {
			$this->client = new ApiClient(
				$this->httpRequestFactory,
				(string)$this->options->get( 'AuthBridgeApiUrl' ),
				(string)$this->options->get( 'AuthBridgeApiSecret' ),
				(float)$this->options->get( 'AuthBridgeTimeout' ),
				$this->bridgeLogger
			);
		}
		return $this->client;
	}

	/** @inheritDoc */
	public function getAuthenticationRequests( $action, array $options ) {
		// Only logins: passwords are changed and accounts created on the website.
		return $action === AuthManager::ACTION_LOGIN ? [ new PasswordAuthenticationRequest() ] : [];
	}

	/** @inheritDoc */
	public function beginPrimaryAuthentication( array $reqs ) {
		$req = AuthenticationRequest::getRequestByClass( $reqs, PasswordAuthenticationRequest::class );
		if ( !$req || $req->username === null || $req->password === null ) {
			return AuthenticationResponse::newAbstain();
		}
		$typed = trim( $req->username );
		// No website login or email is longer than 255 bytes (SPEC.md, "Bad rows").
		if ( $typed === '' || strlen( $typed ) > 255 ) {
			return AuthenticationResponse::newAbstain();
		}
		$name = $this->userNameUtils->getCanonical( $req->username, UserNameUtils::RIGOR_USABLE );
		if ( $name === false
			&& $this->userNameUtils->getCanonical( $req->username, UserNameUtils::RIGOR_VALID ) !== false
		) {
			// A valid name MediaWiki keeps for itself (reserved, system): never the website's.
			return AuthenticationResponse::newAbstain();
		}
		// A wiki name goes to the API in canonical form; anything else (a website login or email,
		// with a user source) as typed. Either way the API answers with the wiki name, which
		// passResponse() checks against local-only accounts and links like any other.
		$asked = $name === false ? $typed : $name;
		if ( $name !== false && $this->isLocalOnly( $name ) ) {
			// Not even asked: a local account's password is none of the website's business.
			$this->bridgeLogger->debug( '{user} is local-only; leaving the login to local providers', [
				'user' => $name,
			] );
			return AuthenticationResponse::newAbstain();
		}
		if ( $req->password === '' ) {
			return $this->failResponse( $req );
		}

		try {
			$result = $this->getClient()->verify( $asked, $req->password, $this->endUserContext() );
		} catch ( UnexpectedResponseException $e ) {
			$this->bridgeLogger->error(
				'Login of {user} failed: the identity API answered unexpectedly: {reason}', [
					'user' => $asked,
					'reason' => $e->getMessage(),
					'httpStatus' => $e->getHttpStatus(),
				]
			);
			return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-unavailable' ) );
		}

		switch ( $result->getOutcome() ) {
			case VerifyResult::PASS:
				// The PASS clears a disabled website state in ProfileSync::apply, after the login.
				return $this->passResponse( $req, $result->getUser() );
			case VerifyResult::WRONG_PASSWORD:
				return AuthenticationResponse::newFail( wfMessage( 'wrongpassword' ) );
			case VerifyResult::NO_SUCH_USER:
				// Abstains unless authoritative, so local wiki accounts can still log in
				return $this->failResponse( $req );
			case VerifyResult::ACCOUNT_DISABLED:
				$this->heardDisabled( $name );
				return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-disabled' ) );
			case VerifyResult::THROTTLED:
				$this->bridgeLogger->info( 'Login of {user} throttled by the identity API', [ 'user' => $asked ] );
				$seconds = $result->getRetryAfterSeconds();
				return AuthenticationResponse::newFail( $seconds === null
					? wfMessage( 'authbridge-error-throttled-nowait' )
					: wfMessage( 'authbridge-error-throttled' )->durationParams( max( 1, $seconds ) )
				);
		}
		throw new \LogicException( 'unreachable' );
	}

	/**
	 * @param PasswordAuthenticationRequest $req
	 * @param RemoteUser $remote
	 * @return AuthenticationResponse
	 */
	private function passResponse( PasswordAuthenticationRequest $req, RemoteUser $remote ) {
		$name = $this->userNameUtils->getCanonical( $remote->username, UserNameUtils::RIGOR_CREATABLE );
		if ( $name !== $remote->username ) {
			$this->bridgeLogger->error(
				'The identity API passed a user name MediaWiki cannot use: {remoteName}', [
					'remoteName' => $remote->username,
				]
			);
			return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-unavailable' ) );
		}
		if ( $this->isLocalOnly( $name ) ) {
			$this->bridgeLogger->warning(
				'Refused to log in website user {user}: the wiki account of that name is local-only', [
					'user' => $name,
				]
			);
			return $this->failResponse( $req );
		}
		return $this->passWebsiteUser( $name, $remote, 'password' );
	}

	/**
	 * A name the website may never log in as: listed in $wgAuthBridgeLocalOnlyUsers, a system
	 * user, or a wiki account with a usable local password. AuthBridge creates accounts without
	 * a local password and refuses to give them one, so a password means the account was made on
	 * the wiki (the installer's admin, accounts from before AuthBridge, createAndPromote.php).
	 *
	 * @param string $name canonical
	 * @return bool
	 */
	public function isLocalOnly( string $name ): bool {
		foreach ( (array)$this->options->get( 'AuthBridgeLocalOnlyUsers' ) as $listed ) {
			if ( $this->userNameUtils->getCanonical( (string)$listed, UserNameUtils::RIGOR_NONE ) === $name ) {
				return true;
			}
		}
		$row = $this->loadBalancer->getConnection( DB_REPLICA )->selectRow(
			'user',
			[ 'user_password', 'user_token' ],
			[ 'user_name' => $name ],
			__METHOD__
		);
		if ( !$row ) {
			return false;
		}
		if ( $row->user_token === User::INVALID_TOKEN ) {
			return true;
		}
		return !( $this->getPassword( $row->user_password ) instanceof InvalidPassword );
	}

	/**
	 * A password login re-checks the website state of a linked account (SPEC.md, "What the wiki
	 * does"): ACCOUNT_DISABLED sets it (a PASS clears it, in ProfileSync::apply).
	 *
	 * @param string $name canonical, not local-only
	 */
	private function heardDisabled( string $name ): void {
		$user = User::newFromName( $name );
		if ( $user && $this->profileSync->linkedId( $name ) !== null ) {
			$this->websiteState->heardAtLogin( $user, WebsiteState::DISABLED );
		}
	}

	/** @return array the end user's context for the identity API (not the wiki server's) */
	private function endUserContext(): array {
		$request = $this->manager->getRequest();
		return [
			'ip' => (string)$request->getIP(),
			'userAgent' => (string)$request->getHeader( 'User-Agent' ),
			// Telemetry replaces WebRequest::getRequestId() from MediaWiki 1.41
			'requestId' => class_exists( Telemetry::class )
				? Telemetry::getInstance()->getRequestId()
				: WebRequest::getRequestId(),
		];
	}

	/** @inheritDoc */
	public function testUserCanAuthenticate( $username ) {
		$name = $this->userNameUtils->getCanonical( $username, UserNameUtils::RIGOR_USABLE );
		return $name !== false && !$this->isLocalOnly( $name ) && $this->testUserExists( $name );
	}

	/** @inheritDoc */
	public function testUserExists( $username, $flags = User::READ_NORMAL ) {
		$name = $this->userNameUtils->getCanonical( $username, UserNameUtils::RIGOR_USABLE );
		if ( $name === false ) {
			return false;
		}
		try {
			return $this->getClient()->getUser( $name ) !== null;
		} catch ( UnexpectedResponseException $e ) {
			$this->bridgeLogger->error( 'Could not look up {user} in the identity API: {reason}', [
				'user' => $name, 'reason' => $e->getMessage(),
			] );
			return false;
		}
	}

	/**
	 * Passwords of website accounts belong to the website: refuse to change them here (the
	 * wiki's change form does not ask for the current password, which the API would need),
	 * and point to the website instead. Local-only accounts keep their local passwords.
	 *
	 * @inheritDoc
	 */
	public function providerAllowsAuthenticationDataChange( AuthenticationRequest $req, $checkData = true ) {
		if ( !( $req instanceof PasswordAuthenticationRequest )
			&& !( $req instanceof TemporaryPasswordAuthenticationRequest )
		) {
			return StatusValue::newGood( 'ignored' );
		}
		$name = $req->username === null ? false
			: $this->userNameUtils->getCanonical( $req->username, UserNameUtils::RIGOR_USABLE );
		// Only accounts AuthBridge logged in (linked to a website user): a new local account
		// still needs its first password (createAndPromote.php, Special:CreateAccount).
		if ( $name === false || $this->isLocalOnly( $name ) || $this->profileSync->linkedId( $name ) === null ) {
			return StatusValue::newGood( 'ignored' );
		}
		$url = (string)$this->options->get( 'AuthBridgePasswordChangeUrl' );
		return $url === ''
			? StatusValue::newFatal( 'authbridge-error-passwordchange-nourl' )
			: StatusValue::newFatal( 'authbridge-error-passwordchange', $url );
	}

	/** @inheritDoc */
	public function providerChangeAuthenticationData( AuthenticationRequest $req ) {
		// Nothing to store: providerAllowsAuthenticationDataChange() refused or ignored it.
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
