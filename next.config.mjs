// Static export: out/ works from any plain file server (public/vm is copied to out/vm).
/** @type {import('next').NextConfig} */
const config = {
  output: 'export',
  // lessons/x/index.html, so plain servers find pages without rewrites
  trailingSlash: true,
  images: { unoptimized: true },
  // src/app/global-not-found.tsx: the 404 page of a site with one root layout per language.
  experimental: { globalNotFound: true },
  webpack(config, { isServer, webpack }) {
    if (!isServer) {
      // v86 has Node-only branches (fs, crypto, perf_hooks) it never takes in a browser or worker.
      config.plugins.push(new webpack.NormalModuleReplacementPlugin(/^node:/, (r) => { r.request = r.request.replace(/^node:/, ''); }));
      config.resolve.fallback = { ...config.resolve.fallback, fs: false, 'fs/promises': false, crypto: false, perf_hooks: false };
    }
    // src/vm imports its siblings with their .ts extension (tsx/Node style).
    config.resolve.extensionAlias = { ...config.resolve.extensionAlias, '.js': ['.ts', '.tsx', '.js'] };
    return config;
  },
};
export default config;
