<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Config\Config;
use MediaWiki\Context\RequestContext;
use MediaWiki\Hook\MediaWikiPerformActionHook;
use MediaWiki\Hook\UserLogoutCompleteHook;
use MediaWiki\SpecialPage\Hook\SpecialPageBeforeExecuteHook;

/**
 * Automatic login (a bounce through the website on an anonymous page view) and the hand-over
 * to the website's logout. No network calls and no user creation here: these run on page views.
 */
class SsoHooks implements MediaWikiPerformActionHook, UserLogoutCompleteHook, SpecialPageBeforeExecuteHook {
	/** Short-lived marker: the next anonymous view of Special:UserLogout goes on to the website. */
	private const LOGGED_OUT_COOKIE = 'AuthBridgeLoggedOut';

	/** @var Config */
	private $config;

	public function __construct( Config $mainConfig ) {
		$this->config = $mainConfig;
	}

	/**
	 * An anonymous GET page view in a browser that keeps cookies is sent once to the website,
	 * which answers with a ticket or with Special:AuthBridgeLogin?noticket=1.
	 *
	 * @inheritDoc
	 */
	public function onMediaWikiPerformAction( $output, $article, $title, $user, $request, $mediaWiki ) {
		$url = (string)$this->config->get( 'AuthBridgeAutoLoginUrl' );
		if ( $url === '' || (string)$this->config->get( 'AuthBridgeWikiId' ) === ''
			|| !defined( 'MW_ENTRY_POINT' ) || MW_ENTRY_POINT !== 'index'
			|| $request->getMethod() !== 'GET' || $mediaWiki->getAction() !== 'view'
			|| $user->isRegistered() || !$title->canExist()
			|| AutoLogin::isBot( (string)$request->getHeader( 'User-Agent' ) )
			|| !BrowserNonce::canBindThisBrowser( $request )
		) {
			return true;
		}
		$state = $request->getCookie( AutoLogin::COOKIE );
		if ( $state === AutoLogin::DONE ) {
			return true;
		}
		$output->disableClientCache();
		if ( $state === AutoLogin::PENDING ) {
			AutoLogin::remember( $request->response(), $this->config );
			$output->redirect( wfAppendQuery( $url, [
				'returnto' => $title->getPrefixedText(),
				'wiki' => (string)$this->config->get( 'AuthBridgeWikiId' ),
				'nonce' => BrowserNonce::start( $request, time() ),
			] ) );
			return false;
		}
		if ( $request->getCheck( AutoLogin::CHECK_PARAM ) ) {
			// The test cookie did not come back: no cookies, no bounce, browse anonymously.
			return true;
		}
		AutoLogin::markPending( $request->response() );
		$output->redirect( $title->getFullURL( [ AutoLogin::CHECK_PARAM => 1 ] ) );
		return false;
	}

	/** @inheritDoc */
	public function onUserLogoutComplete( $user, &$inject_html, $oldName ) {
		$response = RequestContext::getMain()->getRequest()->response();
		// Logging out on the wiki must not bounce straight back in through automatic login.
		AutoLogin::remember( $response, $this->config );
		$logoutUrl = (string)$this->config->get( 'AuthBridgeLogoutUrl' );
		if ( $logoutUrl === '' ) {
			return;
		}
		if ( defined( 'MW_ENTRY_POINT' ) && MW_ENTRY_POINT === 'index' ) {
			RequestContext::getMain()->getOutput()->redirect( $logoutUrl );
		} else {
			// action=logout (the skin's logout link posts it, then opens Special:UserLogout).
			$response->setCookie( self::LOGGED_OUT_COOKIE, '1', time() + 60, [ 'httpOnly' => true ] );
		}
	}

	/** @inheritDoc */
	public function onSpecialPageBeforeExecute( $special, $subPage ) {
		$logoutUrl = (string)$this->config->get( 'AuthBridgeLogoutUrl' );
		$request = $special->getRequest();
		if ( $logoutUrl === '' || $special->getName() !== 'Userlogout'
			|| $special->getUser()->isRegistered() || $request->getCookie( self::LOGGED_OUT_COOKIE ) === null
		) {
			return true;
		}
		$request->response()->clearCookie( self::LOGGED_OUT_COOKIE );
		$special->getOutput()->redirect( $logoutUrl );
		return false;
	}
}
