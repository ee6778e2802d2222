<?php

namespace MediaWiki\Extension\AuthBridge;

use BadMethodCallException;
use MediaWiki\Auth\AbstractPasswordPrimaryAuthenticationProvider;
use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\Auth\TemporaryPasswordAuthenticationRequest;
use MediaWiki\Config\Config;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\Account\AccountStatus;
use MediaWiki\Extension\AuthBridge\Generated\ContractConstants;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\User\UserNameUtils;
use Psr\Log\LoggerInterface;
use StatusValue;
use Wikimedia\Rdbms\IDBAccessObject;

/**
 * Logs people in with the user name and password of their website account, by asking the
 * identity API (POST /v1/auth/verify). Wiki accounts are created on first login and their
 * email, real name and mapped groups follow the website at every login. Which existing wiki
 * account a website user may log into is AccountOwnership's rule.
 */
class AuthBridgePrimaryAuthenticationProvider extends AbstractPasswordPrimaryAuthenticationProvider {
	use PassesWebsiteUsers;

	public const CONSTRUCTOR_OPTIONS = [
		'AuthBridgeAuthoritative',
		'AuthBridgePasswordChangeUrl',
		'AuthBridgeSyncProfile',
	];

	/** @var ServiceOptions */
	private $options;
	/** @var ApiClient */
	private $client;
	/** @var AccountOwnership */
	private $ownership;
	/** @var ProfileSync */
	private $profileSync;
	/** @var WebsiteState what the website said of a linked account; a login re-checks it */
	private $websiteState;
	/** @var bool */
	private $syncProfile;
	/** @var LoggerInterface channel 'AuthBridge' */
	private $bridgeLogger;

	/**
	 * @param Config $mainConfig
	 * @param ApiClient $client service AuthBridge.ApiClient
	 * @param AccountOwnership $ownership service AuthBridge.AccountOwnership
	 * @param ProfileSync $profileSync service AuthBridge.ProfileSync
	 * @param WebsiteState $websiteState service AuthBridge.WebsiteState
	 * @param LoggerInterface|null $logger defaults to the 'AuthBridge' channel
	 */
	public function __construct(
		Config $mainConfig,
		ApiClient $client,
		AccountOwnership $ownership,
		ProfileSync $profileSync,
		WebsiteState $websiteState,
		?LoggerInterface $logger = null
	) {
		$this->options = new ServiceOptions( self::CONSTRUCTOR_OPTIONS, $mainConfig );
		parent::__construct( [ 'authoritative' => (bool)$this->options->get( 'AuthBridgeAuthoritative' ) ] );
		$this->client = $client;
		$this->ownership = $ownership;
		$this->profileSync = $profileSync;
		$this->websiteState = $websiteState;
		$this->syncProfile = (bool)$this->options->get( 'AuthBridgeSyncProfile' );
		$this->bridgeLogger = $logger ?? LoggerFactory::getInstance( 'AuthBridge' );
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
		if ( $typed === '' || strlen( $typed ) > ContractConstants::WEBSITE_LOGIN_MAX_BYTES ) {
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
		// passWebsiteUser() checks with AccountOwnership like any other.
		$asked = $name === false ? $typed : $name;
		$account = $name === false ? null : $this->ownership->explain( $name );
		if ( $account && $account->state === AccountStatus::TEMPORARY ) {
			// Never a website user's name; temporary accounts have no password either.
			$this->bridgeLogger->info( 'Refused to ask about {user}: the name is a temporary account\'s', [
				'user' => $name,
			] );
			return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-temporary' ) );
		}
		if ( $account && $account->isLocalOnly() ) {
			// Not even asked: a local account's password is none of the website's business.
			$this->bridgeLogger->debug( '{user} is local-only ({state}); leaving the login to local providers', [
				'user' => $name, 'state' => $account->state,
			] );
			return AuthenticationResponse::newAbstain();
		}
		if ( $req->password === '' ) {
			return $this->failResponse( $req );
		}

		try {
			$result = $this->client->verify( $asked, $req->password, $this->endUserContext() );
		} catch ( MissingScopeException $e ) {
			$this->bridgeLogger->error( 'Login of {user} failed: {reason}', [
				'user' => $asked, 'reason' => $e->getMessage(), 'missingScopes' => $e->getScopes(),
			] );
			return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-missingscope' ) );
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
				// The PASS clears a disabled website state in postAuthentication(), after the login.
				return $this->passResponse( $req, $result->getUser() );
			case VerifyResult::WRONG_PASSWORD:
				return AuthenticationResponse::newFail( wfMessage( 'wrongpassword' ) );
			case VerifyResult::NO_SUCH_USER:
				// Abstains unless authoritative, so local wiki accounts can still log in
				return $this->failResponse( $req );
			case VerifyResult::ACCOUNT_DISABLED:
				if ( $account && $account->state === AccountStatus::LINKED ) {
					// What the API says now; also refuses this account's bot passwords until a PASS.
					$this->websiteState->heardAtLogin( $account->identity(), WebsiteState::DISABLED );
				}
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
		// A local-only account the website also knows (e.g. an alias the API resolves to "Admin"):
		// the same answer as for a wrong password, and the wiki's own providers decide.
		return $this->passWebsiteUser( $remote, 'password', $this->failResponse( $req ) );
	}

	/**
	 * @param string $name canonical
	 * @return bool a name the password login never asks the website about
	 */
	public function isLocalOnly( string $name ): bool {
		return $this->ownership->isLocalOnly( $name );
	}

	/** @return array the end user's context for the identity API (not the wiki server's) */
	private function endUserContext(): array {
		$request = $this->manager->getRequest();
		return [
			'ip' => (string)$request->getIP(),
			'userAgent' => (string)$request->getHeader( 'User-Agent' ),
			'requestId' => ApiClient::requestId(),
		];
	}

	/** @inheritDoc */
	public function testUserCanAuthenticate( $username ) {
		$name = $this->userNameUtils->getCanonical( $username, UserNameUtils::RIGOR_USABLE );
		return $name !== false && !$this->isLocalOnly( $name ) && $this->testUserExists( $name );
	}

	/** @inheritDoc */
	public function testUserExists( $username, $flags = IDBAccessObject::READ_NORMAL ) {
		$name = $this->userNameUtils->getCanonical( $username, UserNameUtils::RIGOR_USABLE );
		if ( $name === false ) {
			return false;
		}
		try {
			return $this->client->getUser( $name ) !== null;
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
		if ( $name === false || $this->ownership->explain( $name )->state !== AccountStatus::LINKED ) {
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
