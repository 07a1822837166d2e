/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-side packages that must stay out of the bundle (native addon, wasm query compiler, node-postgres;
  // ioredis is loaded at run time only when REDIS_URL is set).
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "@prisma/client", "bcryptjs", "ioredis"],
};
module.exports = nextConfig;
