<?php

namespace MediaWiki\Extension\AuthBridge\Rest;

use MediaWiki\Extension\AuthBridge\Sso\SsoServices;
use MediaWiki\Extension\AuthBridge\Sso\TicketException;
use MediaWiki\Extension\AuthBridge\Sso\TicketVerifier;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use MediaWiki\Rest\Validator\Validator;
use MediaWiki\Session\SessionManagerInterface;
use MediaWiki\User\UserFactory;
use Wikimedia\ParamValidator\ParamValidator;

/**
 * POST /rest.php/authbridge/v1/logout {"logoutToken": "…"} — the single-logout back channel.
 * The identity API signs the token with its ticket key (typ logout+jwt, aud = this wiki), so
 * no extra secret is shared; the handler ends every session of the user on this wiki.
 */
class LogoutHandler extends Handler {
	private const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

	/** @var SsoServices */
	private $sso;
	/** @var UserFactory */
	private $userFactory;
	/** @var SessionManagerInterface */
	private $sessionManager;

	public function __construct( SsoServices $sso, UserFactory $userFactory, SessionManagerInterface $sessionManager ) {
		$this->sso = $sso;
		$this->userFactory = $userFactory;
		$this->sessionManager = $sessionManager;
	}

	/**
	 * extension.json `factory` (services AuthBridge.SsoServices, UserFactory,
	 * AuthBridge.SessionManager): MediaWiki 1.42 and later read the body through
	 * getBodyParamSettings(); before that, LegacyBodyLogoutHandler hands the same settings to a
	 * body validator.
	 */
	public static function factory(
		SsoServices $sso, UserFactory $userFactory, SessionManagerInterface $sessionManager
	): self {
		return method_exists( Handler::class, 'getBodyParamSettings' )
			? new self( $sso, $userFactory, $sessionManager )
			: new LegacyBodyLogoutHandler( $sso, $userFactory, $sessionManager );
	}

	/**
	 * The body: the signed logout token. Not required here, so that a missing one gets the
	 * contract's answer (400 TICKET_INVALID) rather than MediaWiki's validation error.
	 *
	 * @return array[]
	 */
	public function getBodyParamSettings(): array {
		return [
			'logoutToken' => [
				self::PARAM_SOURCE => 'body',
				ParamValidator::PARAM_TYPE => 'string',
				ParamValidator::PARAM_REQUIRED => false,
				ParamValidator::PARAM_DEFAULT => '',
			],
		];
	}

	/**
	 * Fields a later contract version adds are ignored, as everywhere in the contract.
	 *
	 * @param Validator $restValidator
	 */
	protected function detectExtraneousBodyFields( Validator $restValidator ) {
	}

	public function execute(): Response {
		$logger = LoggerFactory::getInstance( 'AuthBridge' );
		if ( !$this->sso->isEnabled() ) {
			return $this->problem( 404, 'SSO_DISABLED' );
		}
		$body = $this->getValidatedBody();
		$token = is_array( $body ) ? ( $body['logoutToken'] ?? null ) : null;
		if ( !is_string( $token ) || $token === '' ) {
			return $this->problem( 400, TicketException::INVALID );
		}
		$now = time();
		try {
			$login = $this->sso->ticketLogin();
			$claims = $login->verify( $token, TicketVerifier::TYP_LOGOUT, $now );
			if ( !is_array( $claims['events'] ?? null ) || !array_key_exists( self::LOGOUT_EVENT, $claims['events'] ) ) {
				throw new TicketException( TicketException::INVALID, 'not a logout event' );
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
		$user = $this->userFactory->newFromName( $claims['sub'] );
		if ( $user && $user->isRegistered() ) {
			$this->sessionManager->invalidateSessionsForUser( $user );
			$logger->info( 'Single logout: ended the sessions of {user}', [ 'user' => $user->getName() ] );
		}
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
