import { locateMediaTools, probe } from '@custodia/media';
import { readOverlay, OverlayOcr } from '../dist/index.js';
const tools = await locateMediaTools();
const ocr = new OverlayOcr();
for (const f of process.argv.slice(2)) {
  const p = await probe(tools, f).catch(e=>null);
  const r = await readOverlay(tools, f, { ocr, durationSec: p?.durationSec ?? null, container: p?.container, fps: p?.video?.fps });
  console.log(f.split('/').pop(), r.startTime, JSON.stringify(r.cameraLabel), r.confidence, JSON.stringify(r.flags), r.elapsedMs, JSON.stringify(r.regions));
}
await ocr.close();
