<?php
/**
 * Writes vectors/usernames.json: what a real MediaWiki makes of each input in
 * vectors/usernames.inputs.json. Regenerate from the repository root with
 *
 *   php mediawiki-extension-contract/scripts/generate-username-vectors.php
 *
 * No npm needed: only PHP and a MediaWiki 1.39 install (Debian's mediawiki package at
 * /usr/share/mediawiki; set MW_INSTALL_PATH for another one). Run like this, the script
 * installs a throwaway SQLite wiki with default settings into a temporary directory, runs
 * itself there as a maintenance script and removes the directory again. It never reads
 * the machine's own LocalSettings.php. With MW_CONFIG_FILE set it skips the install and
 * uses that wiki instead, whose settings then shape the result.
 *
 * The contract (and the identity API) follows MediaWiki 1.39. Run under another MediaWiki (e.g.
 * Debian 13's 1.43 in the chroot of scripts/trixie-chroot.sh:
 * `chroot /var/cache/authbridge/trixie php $PWD/mediawiki-extension-contract/scripts/generate-username-vectors.php`),
 * the script keeps every vector as it is and records only where that version differs, under
 * "mediawiki": { "1.43": { ... } } in the vector, so the wiki's PHPUnit can check its own version.
 *
 * Each input goes through what the wiki does with a name typed into a form:
 * WebRequest normalises every submitted value (Language::normalize: UtfNormal cleanUp and
 * NFC), then UserNameUtils::getCanonical( $name, RIGOR_CREATABLE ). Where creation refuses
 * a name that RIGOR_USABLE accepts (an existing account could still log in with it), the
 * vector also records that name as "usable". Output order is input order, so reruns are
 * byte-identical.
 *
 * @file
 */

use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserNameUtils;

const INPUTS_FILE = __DIR__ . '/../vectors/usernames.inputs.json';
const OUTPUT_FILE = __DIR__ . '/../vectors/usernames.json';

require_once __DIR__ . '/throwaway-wiki.php';

$installPath = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
if ( getenv( 'MW_CONFIG_FILE' ) === false ) {
	exit( runInThrowawayWiki( $installPath, __FILE__ ) );
}

require_once "$installPath/maintenance/Maintenance.php";

class GenerateUsernameVectors extends Maintenance {
	/** The MediaWiki the contract and the identity API follow. */
	private const CONTRACT_BRANCH = '1.39';

	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Write the user-name test vectors of the AuthBridge contract' );
	}

	public function execute() {
		$services = MediaWikiServices::getInstance();
		$userNameUtils = $services->getUserNameUtils();
		$contentLanguage = $services->getContentLanguage();

		$inputs = json_decode( file_get_contents( INPUTS_FILE ), true, 512, JSON_THROW_ON_ERROR );
		$existing = is_file( OUTPUT_FILE )
			? json_decode( file_get_contents( OUTPUT_FILE ), true, 512, JSON_THROW_ON_ERROR )
			: [ 'vectors' => [] ];
		$previous = array_column( $existing['vectors'], null, 'name' );
		$branch = implode( '.', array_slice( explode( '.', MW_VERSION ), 0, 2 ) );
		$vectors = [];
		foreach ( $inputs['inputs'] as $case ) {
			// What WebRequest does to every submitted value before the wiki sees it.
			$submitted = $contentLanguage->normalize( $case['input'] );
			$vector = $this->makeVector( $userNameUtils, $case['name'], $case['input'], $submitted );
			$before = $previous[$case['name']] ?? null;
			if ( $branch === self::CONTRACT_BRANCH ) {
				// Keep what other versions recorded.
				if ( isset( $before['mediawiki'] ) ) {
					$vector['mediawiki'] = $before['mediawiki'];
				}
			} else {
				if ( $before === null ) {
					$this->fatalError( "{$case['name']}: generate with MediaWiki " . self::CONTRACT_BRANCH . ' first' );
				}
				$here = $vector;
				$vector = $before;
				unset( $vector['mediawiki'][$branch] );
				$contract = array_diff_key( $before, [ 'mediawiki' => true ] );
				if ( $here !== $contract ) {
					$vector['mediawiki'][$branch] = array_diff_key( $here, [ 'name' => true, 'input' => true ] );
				}
				if ( isset( $vector['mediawiki'] ) && !$vector['mediawiki'] ) {
					unset( $vector['mediawiki'] );
				}
			}
			$vectors[] = $vector;
		}
		if ( $branch !== self::CONTRACT_BRANCH ) {
			$existing['source'] = preg_replace( '/ Differences: .*$/', '', $existing['source'] );
		}

		file_put_contents( OUTPUT_FILE, $this->formatFile( $vectors, $branch === self::CONTRACT_BRANCH ? null : $existing['source'] ) );
		$this->output( count( $vectors ) . ' vectors written to ' . realpath( OUTPUT_FILE ) . "\n" );
	}

	private function makeVector(
		UserNameUtils $userNameUtils, string $name, string $input, string $submitted
	): array {
		$creatable = $userNameUtils->getCanonical( $submitted, UserNameUtils::RIGOR_CREATABLE );
		$usable = $userNameUtils->getCanonical( $submitted, UserNameUtils::RIGOR_USABLE );
		if ( $creatable !== false ) {
			if ( $usable !== $creatable ) {
				$this->fatalError( "$name: creatable as '$creatable' but usable as '$usable'" );
			}
			return [ 'name' => $name, 'input' => $input, 'canonical' => $creatable ];
		}
		// An empty name or one with a NUL is refused by the request schema itself (minLength, no NUL)
		// before any name rule runs: VALIDATION_FAILED, like every other schema refusal.
		$code = ( $input === '' || strpos( $input, "\0" ) !== false ) ? 'VALIDATION_FAILED' : 'INVALID_USERNAME';
		$vector = [ 'name' => $name, 'input' => $input, 'expect-fail' => true, 'code' => $code ];
		if ( $usable !== false ) {
			$vector['usable'] = $usable;
		}
		return $vector;
	}

	/**
	 * One vector per line, so that a change in MediaWiki shows up as a one-line diff.
	 *
	 * @param array[] $vectors
	 * @return string
	 */
	private function formatFile( array $vectors, ?string $contractSource ): string {
		$description = 'User-name canonicalisation shared by the identity API and the wiki. ' .
			'Generated from usernames.inputs.json; do not edit by hand.';
		$source = 'MediaWiki ' . MW_VERSION . ' (fresh install, default settings, content ' .
			'language en): UserNameUtils::getCanonical( $contentLanguage->normalize( $input ), ' .
			'UserNameUtils::RIGOR_CREATABLE ), i.e. after the NFC normalisation WebRequest ' .
			'applies to submitted values. "usable": getCanonical( ..., RIGOR_USABLE ) where ' .
			'that accepts a name creation refuses. ' .
			'Command: php mediawiki-extension-contract/scripts/generate-username-vectors.php.';
		$source = ( $contractSource ?? $source ) . ' Differences: "mediawiki": { "X.Y": { ... } } holds ' .
			'what MediaWiki X.Y makes of the input where it differs (generated the same way by that version).';
		$lines = array_map( fn ( $vector ) => '    ' . $this->encode( $vector ), $vectors );
		return "{\n" .
			'  "description": ' . $this->encode( $description ) . ",\n" .
			'  "source": ' . $this->encode( $source ) . ",\n" .
			"  \"vectors\": [\n" . implode( ",\n", $lines ) . "\n  ]\n}\n";
	}

	/**
	 * JSON with readable letters, but with invisible, combining and control characters
	 * escaped: editors silently normalise or strip those, and reviewers cannot see them.
	 *
	 * @param mixed $value
	 * @return string
	 */
	private function encode( $value ): string {
		$json = json_encode( $value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR );
		return preg_replace_callback( '/(?! )[\p{M}\p{C}\p{Z}\x{FFFD}]/u', static function ( $m ) {
			$units = str_split( bin2hex( mb_convert_encoding( $m[0], 'UTF-16BE', 'UTF-8' ) ), 4 );
			return implode( '', array_map( static fn ( $unit ) => "\\u$unit", $units ) );
		}, $json );
	}
}

$maintClass = GenerateUsernameVectors::class;
require_once RUN_MAINTENANCE_IF_MAIN;
