<?php

namespace MediaWiki\Extension\AuthBridge\Special;

use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Auth\RememberMeAuthenticationRequest;
use MediaWiki\Extension\AuthBridge\Compat;
use MediaWiki\Extension\AuthBridge\Generated\ContractConstants;
use MediaWiki\Extension\AuthBridge\MissingScopeException;
use MediaWiki\Extension\AuthBridge\Sso\AutoLogin;
use MediaWiki\Extension\AuthBridge\Sso\BrowserNonce;
use MediaWiki\Extension\AuthBridge\Sso\SsoAuthenticationRequest;
use MediaWiki\Extension\AuthBridge\Sso\SsoServices;
use MediaWiki\Extension\AuthBridge\Sso\TicketException;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;
use MediaWiki\Html\Html;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\Message\Message;
use MediaWiki\SpecialPage\SpecialPage;
use MediaWiki\SpecialPage\UnlistedSpecialPage;
use MediaWiki\Title\Title;

/**
 * Special:AuthBridgeLogin?ticket=…[&returnto=Page] — where the website sends a person with a
 * single-sign-on ticket. The ticket is proven (TicketLogin) and must carry this browser's
 * nonce, then the wiki logs the person in through AuthManager, so it sets its own session
 * cookies, and sends them to a page of this wiki. `?start=1&returnto=Page` begins the flow: it
 * sets the nonce cookie and sends the browser to the website's ticket endpoint
 * ($wgAuthBridgeSsoStartUrl), the only redirect off the wiki, and only to that setting.
 * `?noticket=1&returnto=Page` is the website's "not logged in here" answer.
 */
class SpecialAuthBridgeLogin extends UnlistedSpecialPage {
	/** Messages for tickets refused locally or by the API; the log gets the reason. */
	private const TICKET_MESSAGES = [
		TicketException::INVALID => 'authbridge-sso-error-invalid',
		TicketException::EXPIRED => 'authbridge-sso-error-expired',
		TicketException::REPLAYED => 'authbridge-sso-error-replayed',
		TicketException::AUDIENCE => 'authbridge-sso-error-audience',
		TicketException::DISABLED => 'authbridge-error-disabled',
		TicketException::UNKNOWN_USER => 'authbridge-sso-error-invalid',
		TicketException::WRONG_CLIENT => 'authbridge-sso-error-audience',
		TicketException::WRONG_BROWSER => 'authbridge-sso-error-browser',
	];

	/** @var AuthManager */
	private $authManager;
	/** @var SsoServices */
	private $sso;

	/**
	 * @param AuthManager $authManager
	 * @param SsoServices $sso service AuthBridge.SsoServices
	 */
	public function __construct( AuthManager $authManager, SsoServices $sso ) {
		parent::__construct( ContractConstants::WIKI_LOGIN_SPECIAL_PAGE );
		$this->authManager = $authManager;
		$this->sso = $sso;
	}

	/** @inheritDoc */
	public function doesWrites() {
		return true;
	}

	/** @inheritDoc */
	public function execute( $subPage ) {
		$this->setHeaders();
		$out = $this->getOutput();
		$out->disableClientCache();
		$request = $this->getRequest();
		// The ticket is in this URL: keep it out of Referer headers of anything this page loads.
		$request->response()->header( 'Referrer-Policy: no-referrer' );
		$logger = LoggerFactory::getInstance( 'AuthBridge' );

		if ( !$this->sso->isEnabled() ) {
			$this->showError( 'authbridge-sso-error-notconfigured' );
			return;
		}
		$returnParam = $request->getVal( 'returnto' );
		if ( $request->getCheck( 'start' ) ) {
			$this->start( $returnParam );
			return;
		}
		if ( $request->getCheck( 'noticket' ) ) {
			BrowserNonce::clear( $request );
			AutoLogin::remember( $request->response(), $this->getConfig() );
			$target = self::safeReturnTo( $returnParam ) ?? Title::newMainPage();
			$out->redirect( $target->getFullURL() );
			return;
		}
		$ticket = $request->getVal( 'ticket', '' );
		if ( $ticket === '' ) {
			$this->showError( 'authbridge-sso-error-noticket' );
			return;
		}
		if ( $returnParam !== null && self::safeReturnTo( $returnParam ) === null ) {
			$logger->warning( 'SSO: refused a ticket with a returnto that is not a page of this wiki' );
			$this->showError( 'authbridge-sso-error-returnto' );
			return;
		}

		// Used once, whatever the outcome: the next attempt starts over with a fresh nonce.
		[ $browserNonce, $noNonceReason ] = BrowserNonce::take( $request, time() );
		try {
			[ $redeemed ] = $this->sso->ticketLogin()->prove(
				$ticket, time(), $browserNonce, $this->sso->requireNonce(), $noNonceReason );
		} catch ( TicketException $e ) {
			$logger->info( 'SSO: ticket refused ({code}): {reason}', [
				'code' => $e->getTicketCode(), 'reason' => $e->getMessage(),
			] );
			$this->showError( self::TICKET_MESSAGES[$e->getTicketCode()] ?? 'authbridge-sso-error-invalid' );
			return;
		} catch ( MissingScopeException $e ) {
			$logger->error( 'SSO: {reason}', [ 'reason' => $e->getMessage(), 'missingScopes' => $e->getScopes() ] );
			$this->showError( 'authbridge-error-missingscope' );
			return;
		} catch ( UnexpectedResponseException $e ) {
			$logger->error( 'SSO: the identity API answered unexpectedly: {reason}', [
				'reason' => $e->getMessage(), 'httpStatus' => $e->getHttpStatus(),
			] );
			$this->showError( 'authbridge-error-unavailable' );
			return;
		}
		$target = self::safeReturnTo( $redeemed->returnTo ?? $returnParam );
		if ( $target === null ) {
			$this->showError( 'authbridge-sso-error-returnto' );
			return;
		}

		$remember = new RememberMeAuthenticationRequest();
		$remember->rememberMe = $redeemed->remember;
		$response = $this->authManager->beginAuthentication(
			[ new SsoAuthenticationRequest( $redeemed->user ), $remember ],
			$target->getFullURL()
		);
		if ( $response->status === AuthenticationResponse::PASS ) {
			AutoLogin::remember( $request->response(), $this->getConfig() );
			$out->redirect( $target->getFullURL() );
			return;
		}
		if ( $response->status === AuthenticationResponse::FAIL ) {
			$this->showError( $response->message );
			return;
		}
		// A secondary provider wants more (e.g. a second factor): the login form handles that.
		$this->authManager->removeAuthenticationSessionData( null );
		$this->showError( 'authbridge-sso-error-interactive' );
	}

	/**
	 * Begins single sign-on in this browser: a fresh nonce cookie, then the website's ticket
	 * endpoint with its hash, so the ticket that comes back is good in this browser only.
	 *
	 * @param string|null $returnParam
	 */
	private function start( ?string $returnParam ): void {
		$startUrl = $this->sso->startUrl();
		if ( $startUrl === '' ) {
			$this->showError( 'authbridge-sso-error-notconfigured' );
			return;
		}
		$target = self::safeReturnTo( $returnParam );
		if ( $target === null ) {
			$this->showError( 'authbridge-sso-error-returnto' );
			return;
		}
		$request = $this->getRequest();
		if ( !BrowserNonce::canBindThisBrowser( $request ) ) {
			LoggerFactory::getInstance( 'AuthBridge' )->error(
				'SSO: single sign-on needs the wiki on HTTPS (its browser binding is a Secure cookie)' );
			$this->showError( 'authbridge-sso-error-https' );
			return;
		}
		$this->getOutput()->redirect( wfAppendQuery( $startUrl, [
			'returnto' => $target->isMainPage() ? '' : $target->getPrefixedText(),
			'wiki' => $this->sso->wikiId(),
			'nonce' => BrowserNonce::start( $request, time() ),
		] ) );
	}

	/**
	 * A page of this wiki to go to, or null. Only a title, never a URL: a value that looks like
	 * one (scheme, `//host`, backslashes) or names an interwiki target is refused outright.
	 *
	 * @param string|null $text
	 * @return Title|null
	 */
	public static function safeReturnTo( ?string $text ): ?Title {
		if ( $text === null || trim( $text ) === '' ) {
			return Title::newMainPage();
		}
		if ( preg_match( '#^\s*[\\\\/]{2}|://|[\\\\\x00-\x1f]#', $text ) ) {
			return null;
		}
		$title = Title::newFromText( $text );
		if ( !$title || $title->isExternal() || $title->getFragment() !== '' && $title->getDBkey() === '' ) {
			return null;
		}
		if ( $title->isSpecial( ContractConstants::WIKI_LOGIN_SPECIAL_PAGE ) || $title->isSpecial( 'Userlogout' ) ) {
			return Title::newMainPage();
		}
		return $title;
	}

	/**
	 * @param string|Message $message
	 */
	private function showError( $message ): void {
		$out = $this->getOutput();
		$out->setStatusCode( 400 );
		Compat::setPageTitleMsg( $out, $this->msg( 'authbridge-sso-error-title' ) );
		$text = $message instanceof Message ? $message->inLanguage( $this->getLanguage() ) : $this->msg( $message );
		$out->addHTML( Html::errorBox( $text->parse(), '', 'authbridge-sso-error' ) );
		$returnTo = self::safeReturnTo( $this->getRequest()->getVal( 'returnto' ) );
		$query = $returnTo && !$returnTo->isMainPage() ? [ 'returnto' => $returnTo->getPrefixedText() ] : [];
		$out->addHTML( Html::rawElement( 'p', [ 'class' => 'authbridge-sso-login-link' ],
			$this->getLinkRenderer()->makeKnownLink(
				SpecialPage::getTitleFor( 'Userlogin' ),
				$this->msg( 'authbridge-sso-login-normally' )->text(),
				[],
				$query
			)
		) );
	}

	/** @inheritDoc */
	protected function getGroupName() {
		return 'login';
	}
}
