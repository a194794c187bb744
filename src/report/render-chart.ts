/**
 * Static images of a chart: vega-lite → vega → SVG with vega's headless renderer (no canvas),
 * and PNG from that SVG with resvg, when a font is available (resvg draws no text without one,
 * silently, so a missing font skips the PNG instead: png-fonts.ts).
 */
import { Resvg, renderAsync } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const pngOptions = (fonts: readonly string[]) => ({
  fitTo: { mode: 'zoom' as const, value: 2 },
  background: 'white',
  font: { loadSystemFonts: false, fontFiles: [...fonts], defaultFontFamily: 'DejaVu Sans' },
});

export function chartPng(svg: string, fonts: readonly string[]): Buffer {
  return new Resvg(svg, pngOptions(fonts)).render().asPng();
}

/** The same PNG bytes as chartPng, rasterised on libuv's thread pool while this thread goes on. */
export async function chartPngAsync(svg: string, fonts: readonly string[]): Promise<Buffer> {
  return (await renderAsync(svg, pngOptions(fonts))).asPng();
}
