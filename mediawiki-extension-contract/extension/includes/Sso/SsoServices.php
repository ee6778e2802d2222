<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AuthBridge\ApiClient;
use Wikimedia\ObjectCache\BagOStuff;
use Wikimedia\ObjectCache\WANObjectCache;

/**
 * The single-sign-on settings and objects (service AuthBridge.SsoServices), shared by
 * Special:AuthBridgeLogin, the hooks and the logout REST route.
 */
class SsoServices {
	public const CONSTRUCTOR_OPTIONS = [
		'AuthBridgeApiUrl',
		'AuthBridgeWikiId',
		'AuthBridgeSsoIssuer',
		'AuthBridgeAutoLoginUrl',
		'AuthBridgeSsoStartUrl',
		'AuthBridgeSsoRequireNonce',
		'AuthBridgeLogoutUrl',
	];

	/** @var ServiceOptions */
	public $options;
	/** @var ApiClient */
	private $client;
	/** @var WANObjectCache */
	private $cache;
	/** @var BagOStuff */
	private $stash;
	/** @var TicketLogin|null */
	private $ticketLogin = null;

	public function __construct( ServiceOptions $options, ApiClient $client, WANObjectCache $cache, BagOStuff $stash ) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->client = $client;
		$this->cache = $cache;
		$this->stash = $stash;
	}

	/** @return bool false until $wgAuthBridgeWikiId is set */
	public function isEnabled(): bool {
		return $this->wikiId() !== '' && (string)$this->options->get( 'AuthBridgeApiUrl' ) !== '';
	}

	public function wikiId(): string {
		return (string)$this->options->get( 'AuthBridgeWikiId' );
	}

	/** @return string where Special:AuthBridgeLogin?start=1 sends the browser for a ticket; '' when nowhere */
	public function startUrl(): string {
		$url = (string)$this->options->get( 'AuthBridgeSsoStartUrl' );
		return $url !== '' ? $url : (string)$this->options->get( 'AuthBridgeAutoLoginUrl' );
	}

	public function requireNonce(): bool {
		return (bool)$this->options->get( 'AuthBridgeSsoRequireNonce' );
	}

	public function ticketLogin(): TicketLogin {
		if ( !$this->ticketLogin ) {
			$this->ticketLogin = new TicketLogin(
				$this->client,
				new JwksStore(
					$this->client,
					$this->cache,
					$this->stash,
					(string)$this->options->get( 'AuthBridgeApiUrl' )
				),
				new UsedTickets( $this->stash ),
				(string)$this->options->get( 'AuthBridgeSsoIssuer' ),
				$this->wikiId()
			);
		}
		return $this->ticketLogin;
	}
}
