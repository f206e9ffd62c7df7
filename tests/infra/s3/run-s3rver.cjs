// Starts @20minutes/s3rver (the package ships no bin/) on 127.0.0.1.
//   node run-s3rver.cjs DATA_DIR PORT BUCKET
// Prints "ready" once it listens; SIGTERM stops it.
const S3rver = require('@20minutes/s3rver');
const [dir, port, bucket] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory: dir,
  silent: true,
  configureBuckets: [{ name: bucket }],
});
server.run().then(() => console.log('ready'), (err) => { console.error(err); process.exit(1); });
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
