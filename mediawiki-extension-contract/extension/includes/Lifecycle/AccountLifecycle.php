<?php

namespace MediaWiki\Extension\AuthBridge\Lifecycle;

use MediaWiki\Session\SessionManagerInterface;
use MediaWiki\User\BotPasswordStore;
use Psr\Log\LoggerInterface;

/**
 * Carries out a back-channel token on this wiki (SPEC.md, "What the wiki does"): for the
 * accounts linked to the website user, record the website state, end every session and
 * remember-me token, and invalidate the bot passwords. Idempotent: a token heard twice (the API
 * delivers at least once) changes nothing more.
 */
class AccountLifecycle {
	/** @var LinkedAccounts */
	private $linkedAccounts;
	/** @var WebsiteState */
	private $websiteState;
	/** @var SessionManagerInterface */
	private $sessionManager;
	/** @var BotPasswordStore */
	private $botPasswords;
	/** @var LoggerInterface */
	private $logger;

	public function __construct(
		LinkedAccounts $linkedAccounts,
		WebsiteState $websiteState,
		SessionManagerInterface $sessionManager,
		BotPasswordStore $botPasswords,
		LoggerInterface $logger
	) {
		$this->linkedAccounts = $linkedAccounts;
		$this->websiteState = $websiteState;
		$this->sessionManager = $sessionManager;
		$this->botPasswords = $botPasswords;
		$this->logger = $logger;
	}

	/**
	 * @param BackChannelToken $token verified
	 * @return int how many wiki accounts it acted on (0: none is linked to that website user)
	 */
	public function apply( BackChannelToken $token ): int {
		$acted = 0;
		foreach ( $this->linkedAccounts->forWebsiteId( $token->uid ) as $user ) {
			if ( $token->state !== null && !$this->websiteState->applyEvent( $user, $token->state, $token->seq ) ) {
				// A newer change was applied already, with its own session handling.
				$this->logger->info( 'Back channel: ignored an older change ({seq}) of {user}', [
					'seq' => $token->seq, 'user' => $user->getName(),
				] );
				continue;
			}
			// State first: a request racing the invalidation already finds the account locked.
			if ( $token->endSessions ) {
				$this->sessionManager->invalidateSessionsForUser( $user );
				$this->botPasswords->invalidateUserPasswords( $user->getName() );
			}
			$this->logger->info( 'Back channel: {user} is {state} on the website{ended}', [
				'user' => $user->getName(),
				'state' => $token->state ?? 'logged out',
				'ended' => $token->endSessions ? '; ended its sessions and bot passwords' : '',
			] );
			$acted++;
		}
		if ( $acted === 0 ) {
			$this->logger->info( 'Back channel: no wiki account is linked to website user {uid} ({sub})', [
				'uid' => $token->uid, 'sub' => $token->sub,
			] );
		}
		return $acted;
	}
}
