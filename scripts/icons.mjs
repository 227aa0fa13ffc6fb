// Renders the app's icons from public/icon.svg with Debian's Chromium (nothing is downloaded):
// icon-192.png, icon-512.png and a maskable 512 px icon (the artwork inside the 80 % safe zone).
// Run once after editing the SVG: node scripts/icons.mjs
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright';

const svg = readFileSync('public/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
async function render(file, size, maskable = false) {
  await page.setViewportSize({ width: size, height: size });
  // Maskable: a full-bleed background, the artwork scaled into the safe zone.
  const art = maskable ? `<div style="position:absolute;inset:${size * 0.1}px">${svg}</div>` : svg;
  await page.setContent(
    `<html><body style="margin:0;width:${size}px;height:${size}px;position:relative;background:${maskable ? '#0072B2' : 'transparent'}">` +
      `<style>svg{width:100%;height:100%;display:block}</style>${art}</body></html>`,
  );
  await page.screenshot({ path: `public/${file}`, omitBackground: !maskable });
  console.log(`public/${file}`);
}
await render('icon-192.png', 192);
await render('icon-512.png', 512);
await render('icon-maskable-512.png', 512, true);
await browser.close();
