<?php

namespace MediaWiki\Extension\AuthBridge\Account;

use MediaWiki\Auth\AbstractSecondaryAuthenticationProvider;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Logger\LoggerFactory;
use Psr\Log\LoggerInterface;

/**
 * The last word on a website user's login, once AuthManager has the wiki account: it must be
 * linked to the website user the primary provider passed (AuthBridge linked it when it created
 * it a moment ago, or it was linked before). This closes the gap between the primary's check
 * and the account itself: an account that appeared in between (AuthManager then logs into it
 * instead of creating one) is refused, never adopted. Other logins are none of its business.
 */
class WebsiteLinkSecondaryAuthenticationProvider extends AbstractSecondaryAuthenticationProvider {
	/** Authentication session data set by PassesWebsiteUsers: [ 'name' => …, 'id' => … ]. */
	public const SESSION_KEY = 'AuthBridge:websiteUser';

	/** @var AccountOwnership */
	private $ownership;
	/** @var LoggerInterface */
	private $bridgeLogger;

	public function __construct( AccountOwnership $ownership, ?LoggerInterface $logger = null ) {
		$this->ownership = $ownership;
		$this->bridgeLogger = $logger ?? LoggerFactory::getInstance( 'AuthBridge' );
	}

	/** @inheritDoc */
	public function getAuthenticationRequests( $action, array $options ) {
		return [];
	}

	/** @inheritDoc */
	public function beginSecondaryAuthentication( $user, array $reqs ) {
		$passed = $this->manager->getAuthenticationSessionData( self::SESSION_KEY );
		$this->manager->removeAuthenticationSessionData( self::SESSION_KEY );
		if ( !is_array( $passed ) ) {
			return AuthenticationResponse::newAbstain();
		}
		if ( ( $passed['name'] ?? null ) !== $user->getName()
			|| !is_string( $passed['id'] ?? null )
			|| !$this->ownership->isLinkedTo( $user, $passed['id'] )
		) {
			$this->bridgeLogger->error(
				'Refused to log in {user}: the wiki account is not linked to website user {remoteId}', [
					'user' => $user->getName(), 'remoteId' => $passed['id'] ?? '',
				]
			);
			return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-notlinked' ) );
		}
		return AuthenticationResponse::newPass();
	}

	/** @inheritDoc */
	public function beginSecondaryAccountCreation( $user, $creator, array $reqs ) {
		return AuthenticationResponse::newAbstain();
	}
}
