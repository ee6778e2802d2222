export * from './wiki-notifier';
export * from './notify-settings';
export * from './account-notifications';
export * from './back-channel-tokens';
