<?php

namespace MediaWiki\Extension\AuthBridge\Lifecycle;

use Message;
use MediaWiki\Block\AbstractBlock;
use MediaWiki\Block\CompositeBlock;
use MediaWiki\Block\Hook\GetUserBlockHook;
use MediaWiki\Block\SystemBlock;
use MediaWiki\User\Hook\UserIsLockedHook;

/**
 * While the website says an account is disabled or deleted: it is locked (BotPassword::login
 * answers botpasswords-locked) and blocked (no edit from any session that survived, a bot's
 * included). Ending the sessions is AccountLifecycle's job; this is what holds until then.
 */
class LifecycleHooks implements UserIsLockedHook, GetUserBlockHook {
	public const BLOCK_TYPE = 'authbridge-website-disabled';

	/** @var WebsiteState */
	private $websiteState;

	/**
	 * @param WebsiteState $websiteState service AuthBridge.WebsiteState
	 */
	public function __construct( WebsiteState $websiteState ) {
		$this->websiteState = $websiteState;
	}

	/** @inheritDoc */
	public function onUserIsLocked( $user, &$locked ) {
		// The primary database: a bot login right after the back channel must see it.
		if ( !$locked && $user->isRegistered() && $this->websiteState->isRefused( $user, true ) ) {
			$locked = true;
		}
	}

	/** @inheritDoc */
	public function onGetUserBlock( $user, $ip, &$block ) {
		if ( !$user->isRegistered() || !$this->websiteState->isRefused( $user ) ) {
			return;
		}
		$ours = new SystemBlock( [
			'address' => $user,
			'reason' => new Message( 'authbridge-blocked-disabled' ),
			'systemBlock' => self::BLOCK_TYPE,
		] );
		$block = $block instanceof AbstractBlock
			? new CompositeBlock( [
				'address' => $user,
				'reason' => new Message( 'blockedtext-composite-reason' ),
				'originalBlocks' => array_merge(
					$block instanceof CompositeBlock ? $block->getOriginalBlocks() : [ $block ], [ $ours ]
				),
			] )
			: $ours;
	}
}
