<?php

namespace MediaWiki\Extension\AuthBridge\Account;

use MediaWiki\Config\Config;
use MediaWiki\Extension\AuthBridge\Compat;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Html\Html;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\Preferences\Hook\GetPreferencesHook;
use MediaWiki\SpecialPage\Hook\SpecialPageBeforeExecuteHook;
use MediaWiki\User\Options\Hook\SaveUserOptionsHook;
use MediaWiki\User\UserIdentity;

/**
 * The wiki's own account pages, for an account that belongs to a website user: the password
 * is the website's (Special:ChangePassword and Special:ChangeCredentials say so, with the
 * website's link, instead of a form that cannot work), and while profile sync is on so are the
 * email address and the real name (Preferences shows them read-only and says where they come
 * from; Special:ChangeEmail points to the website). Also keeps the link options to
 * AccountOwnership alone, and the website state to WebsiteState alone.
 */
class AccountHooks implements SpecialPageBeforeExecuteHook, GetPreferencesHook, SaveUserOptionsHook {
	/** Special pages that change the password, and those that change the email address. */
	private const PASSWORD_PAGES = [ 'ChangePassword', 'ChangeCredentials' ];
	private const EMAIL_PAGES = [ 'ChangeEmail' ];

	/** @var Config */
	private $config;
	/** @var AccountOwnership */
	private $ownership;
	/** @var WebsiteState */
	private $websiteState;

	/**
	 * @param Config $mainConfig
	 * @param AccountOwnership $ownership service AuthBridge.AccountOwnership
	 * @param WebsiteState $websiteState service AuthBridge.WebsiteState
	 */
	public function __construct( Config $mainConfig, AccountOwnership $ownership, WebsiteState $websiteState ) {
		$this->config = $mainConfig;
		$this->ownership = $ownership;
		$this->websiteState = $websiteState;
	}

	/** @inheritDoc */
	public function onSpecialPageBeforeExecute( $special, $subPage ) {
		$name = $special->getName();
		$password = in_array( $name, self::PASSWORD_PAGES, true );
		$email = in_array( $name, self::EMAIL_PAGES, true ) && $this->syncsProfile();
		$user = $special->getUser();
		if ( ( !$password && !$email ) || !$user->isRegistered() || !$this->isWebsiteAccount( $user ) ) {
			return true;
		}
		$out = $special->getOutput();
		// What SpecialPage::setHeaders() would do: the page's own title ("Change password", …)
		Compat::setPageTitleMsg( $out, $special->msg( strtolower( $name ) ) );
		$out->setRobotPolicy( 'noindex,nofollow' );
		$message = $password ? $this->passwordMessage( $special ) : $special->msg( 'authbridge-account-email-website' );
		$out->addHTML( Html::warningBox( $message->parse(), 'authbridge-account-website' ) );
		return false;
	}

	/** @inheritDoc */
	public function onGetPreferences( $user, &$preferences ) {
		if ( !$user->isRegistered() || !$this->isWebsiteAccount( $user ) ) {
			return;
		}
		if ( isset( $preferences['password'] ) ) {
			$preferences['password'] = [
				'type' => 'info',
				'raw' => true,
				'default' => $this->passwordMessage( null )->parse(),
				'cssclass' => 'authbridge-pref-website',
			] + $preferences['password'];
			unset( $preferences['password']['help'], $preferences['password']['help-message'] );
		}
		if ( !$this->syncsProfile() ) {
			return;
		}
		if ( isset( $preferences['realname'] ) ) {
			$preferences['realname'] = [
				'type' => 'info',
				'default' => $user->getRealName(),
				'help-message' => 'authbridge-pref-website-owns',
				'cssclass' => 'authbridge-pref-website',
			] + $preferences['realname'];
		}
		if ( isset( $preferences['emailaddress'] ) ) {
			// Without core's "Change email address" button
			$preferences['emailaddress'] = [
				'default' => htmlspecialchars( $user->getEmail() ),
				'help-messages' => [ 'authbridge-pref-website-owns' ],
				'cssclass' => 'authbridge-pref-website',
			] + $preferences['emailaddress'];
		}
	}

	/**
	 * Only AccountOwnership changes the link options: "Restore all default settings" in
	 * Preferences, action=options or another extension cannot unlink an account or link it to
	 * someone else. (Unsetting a key blocks the change, see SaveUserOptionsHook.)
	 *
	 * @inheritDoc
	 */
	public function onSaveUserOptions( UserIdentity $user, array &$modifiedOptions, array $originalOptions ) {
		$guarded = [];
		if ( !$this->ownership->isWritingLinkOf( $user ) ) {
			$guarded = AccountOwnership::linkOptions();
		}
		if ( !$this->websiteState->isWriting( $user ) ) {
			// A disabled website account must not come back by "restore all default settings".
			$guarded[] = WebsiteState::OPTION;
		}
		foreach ( $guarded as $key ) {
			if ( array_key_exists( $key, $modifiedOptions )
				&& ( $modifiedOptions[$key] ?? null ) !== ( $originalOptions[$key] ?? null )
			) {
				LoggerFactory::getInstance( 'AuthBridge' )->warning(
					'Kept the website link of {user}: {option} is changed only through AuthBridge', [
						'user' => $user->getName(), 'option' => $key,
					]
				);
			}
			unset( $modifiedOptions[$key] );
		}
	}

	private function isWebsiteAccount( UserIdentity $user ): bool {
		return $this->ownership->linkedId( $user ) !== null;
	}

	private function syncsProfile(): bool {
		return (bool)$this->config->get( 'AuthBridgeSyncProfile' );
	}

	/**
	 * @param \MediaWiki\SpecialPage\SpecialPage|null $special for the language, else the request's
	 * @return \MediaWiki\Message\Message
	 */
	private function passwordMessage( $special ) {
		$url = (string)$this->config->get( 'AuthBridgePasswordChangeUrl' );
		$msg = $special ? [ $special, 'msg' ] : 'wfMessage';
		return $url === ''
			? $msg( 'authbridge-error-passwordchange-nourl' )
			: $msg( 'authbridge-error-passwordchange', $url );
	}
}
