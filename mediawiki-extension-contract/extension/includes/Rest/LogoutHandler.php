<?php

namespace MediaWiki\Extension\AuthBridge\Rest;

use MediaWiki\Extension\AuthBridge\Lifecycle\AccountLifecycle;
use MediaWiki\Extension\AuthBridge\Lifecycle\BackChannelToken;
use MediaWiki\Extension\AuthBridge\Sso\SsoServices;
use MediaWiki\Extension\AuthBridge\Sso\TicketException;
use MediaWiki\Extension\AuthBridge\Sso\TicketVerifier;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use MediaWiki\Rest\Validator\Validator;
use Wikimedia\ParamValidator\ParamValidator;

/**
 * POST /rest.php/authbridge/v1/logout {"logoutToken": "…"} — the back channel: single logout and
 * account changes (SPEC.md, "The account's life follows the website"). The identity API signs
 * the token with its ticket key (typ logout+jwt, aud = this wiki), so no extra secret is shared;
 * AccountLifecycle acts on the wiki accounts linked to the token's `uid`, never by name.
 */
class LogoutHandler extends Handler {
	/** @var SsoServices */
	private $sso;
	/** @var AccountLifecycle */
	private $lifecycle;

	public function __construct( SsoServices $sso, AccountLifecycle $lifecycle ) {
		$this->sso = $sso;
		$this->lifecycle = $lifecycle;
	}

	/**
	 * extension.json `factory` (services AuthBridge.SsoServices, AuthBridge.AccountLifecycle):
	 * MediaWiki 1.42 and later read the body through getBodyParamSettings(); before that,
	 * LegacyBodyLogoutHandler hands the same settings to a body validator.
	 */
	public static function factory( SsoServices $sso, AccountLifecycle $lifecycle ): self {
		return method_exists( Handler::class, 'getBodyParamSettings' )
			? new self( $sso, $lifecycle )
			: new LegacyBodyLogoutHandler( $sso, $lifecycle );
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
			$action = BackChannelToken::fromClaims( $claims );
			$login->usedTickets()->consume( $claims['jti'], $claims['exp'], $now );
		} catch ( TicketException $e ) {
			$logger->warning( 'Single logout refused ({code}): {reason}', [
				'code' => $e->getTicketCode(), 'reason' => $e->getMessage(),
			] );
			return $this->problem( 400, $e->getContractCode() );
		} catch ( UnexpectedResponseException $e ) {
			$logger->error( 'Single logout: could not fetch the identity API keys: {reason}', [
				'reason' => $e->getMessage(),
			] );
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
