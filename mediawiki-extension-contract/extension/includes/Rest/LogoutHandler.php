<?php

namespace MediaWiki\Extension\AuthBridge\Rest;

use BagOStuff;
use Config;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider;
use MediaWiki\Extension\AuthBridge\Lifecycle\AccountLifecycle;
use MediaWiki\Extension\AuthBridge\Lifecycle\BackChannelToken;
use MediaWiki\Extension\AuthBridge\Lifecycle\LinkedAccounts;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Extension\AuthBridge\Sso\SsoServices;
use MediaWiki\Extension\AuthBridge\Sso\TicketException;
use MediaWiki\Extension\AuthBridge\Sso\TicketVerifier;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use MediaWiki\Session\SessionManager;
use MediaWiki\Http\HttpRequestFactory;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\BotPasswordStore;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserOptionsManager;
use WANObjectCache;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * POST /rest.php/authbridge/v1/logout {"logoutToken": "…"} — the back channel: single logout and
 * account changes (SPEC.md, "The account's life follows the website"). The identity API signs
 * the token with its ticket key (typ logout+jwt, aud = this wiki), so no extra secret is shared;
 * AccountLifecycle acts on the wiki account linked to the token's `uid`.
 */
class LogoutHandler extends Handler {
	/** @var SsoServices */
	private $sso;
	/** @var AccountLifecycle|null null: the password provider is not configured, so local-only accounts cannot be told apart */
	private $lifecycle;

	public function __construct( SsoServices $sso, ?AccountLifecycle $lifecycle ) {
		$this->sso = $sso;
		$this->lifecycle = $lifecycle;
	}

	/** extension.json `factory`, with the services SsoServices and AccountLifecycle need. */
	public static function factory(
		UserFactory $userFactory, Config $mainConfig, HttpRequestFactory $httpRequestFactory,
		WANObjectCache $cache, BagOStuff $stash, ILoadBalancer $loadBalancer,
		UserOptionsManager $userOptionsManager, BotPasswordStore $botPasswordStore, AuthManager $authManager
	): self {
		$provider = $authManager->getAuthenticationProvider( AuthBridgePrimaryAuthenticationProvider::class );
		$lifecycle = $provider instanceof AuthBridgePrimaryAuthenticationProvider ? new AccountLifecycle(
			new LinkedAccounts( $loadBalancer, $userFactory, [ $provider, 'isLocalOnly' ] ),
			new WebsiteState( $userOptionsManager ),
			// The SessionManager service where core has one (1.45+); 1.39-1.44 only have the singleton.
			method_exists( MediaWikiServices::class, 'getSessionManager' )
				? MediaWikiServices::getInstance()->getSessionManager() : SessionManager::singleton(),
			$botPasswordStore,
			LoggerFactory::getInstance( 'AuthBridge' )
		) : null;
		return new self( new SsoServices( $mainConfig, $httpRequestFactory, $cache, $stash ), $lifecycle );
	}

	public function execute(): Response {
		$logger = LoggerFactory::getInstance( 'AuthBridge' );
		if ( !$this->sso->isEnabled() ) {
			return $this->problem( 404, 'SSO_DISABLED' );
		}
		$body = json_decode( $this->getRequest()->getBody()->getContents(), true );
		$token = is_array( $body ) ? ( $body['logoutToken'] ?? null ) : null;
		if ( !is_string( $token ) || $token === '' ) {
			return $this->problem( 400, TicketException::INVALID );
		}
		$now = time();
		try {
			$login = $this->sso->ticketLogin();
			$claims = $login->verify( $token, TicketVerifier::TYP_LOGOUT, $now );
			$action = BackChannelToken::fromClaims( $claims );
			if ( !$this->lifecycle ) {
				// Fail loudly, so the API retries: without the password provider nothing tells
				// a local-only account from a website account.
				$logger->error( 'Back channel: AuthBridgePrimaryAuthenticationProvider is not configured; cannot act on website user {uid}', [ 'uid' => $action->uid ] );
				return $this->problem( 503, 'UNAVAILABLE' );
			}
			$login->usedTickets()->consume( $claims['jti'], $claims['exp'], $now );
		} catch ( TicketException $e ) {
			$logger->warning( 'Single logout refused ({code}): {reason}', [
				'code' => $e->getTicketCode(), 'reason' => $e->getMessage(),
			] );
			return $this->problem( 400, $e->getContractCode() );
		} catch ( UnexpectedResponseException $e ) {
			$logger->error( 'Single logout: could not fetch the identity API keys: {reason}', [ 'reason' => $e->getMessage() ] );
			return $this->problem( 503, 'UNAVAILABLE' );
		}
		$this->lifecycle->apply( $action );
		return $this->getResponseFactory()->createNoContent();
	}

	private function problem( int $status, string $code ): Response {
		$response = $this->getResponseFactory()->createJson( [ 'code' => $code ] );
		$response->setStatus( $status );
		return $response;
	}

	/** @inheritDoc */
	public function needsReadAccess() {
		// Private wikis too: the signed token is the authorisation.
		return false;
	}

	/** @inheritDoc */
	public function needsWriteAccess() {
		return false;
	}
}
