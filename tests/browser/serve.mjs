// `make playground`: serves the built playground on 127.0.0.1 and prints its URL.
import { startPlayground } from './server.mjs';

const port = Number(process.env.PORT ?? 8787);
const { url, close } = await startPlayground({ port });
console.log(`Pacto playground: ${url}  (Ctrl+C stops)`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => close().then(() => process.exit(0)));
