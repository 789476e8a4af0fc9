// The plugin packages every host loads first. They are loaded exactly like a third-party package named in a manifest.
export const DEFAULT_PLUGIN_PACKAGES: readonly string[] = ['@distill/plugins'];
