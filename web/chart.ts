/**
 * Time series with uPlot (canvas, fast at 10,000+ points). Each chart has a text summary next to it
 * (`label`), since a canvas says nothing to a screen reader.
 */
import uPlot from "uplot";
import { useEffect, useRef } from "preact/hooks";
import { html } from "./ui";

export interface Series {
  label: string;
  /** Seconds since the epoch, ascending. */
  x: number[];
  y: Array<number | null>;
  /** Step lines for counts that hold until the next change. */
  stepped?: boolean;
  points?: boolean;
}

export function TimeChart({ series, label, yLabel }: { series: Series; label: string; yLabel: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const width = Math.max(320, Math.min(960, box.current.clientWidth || 720));
    const paths = series.stepped ? uPlot.paths.stepped!({ align: 1 }) : undefined;
    const plot = new uPlot(
      {
        width,
        height: 220,
        legend: { show: false },
        axes: [{}, { label: yLabel }],
        series: [{}, { label: series.label, stroke: "#0b5cad", width: 2, paths, points: { show: series.points ?? false, size: 5, fill: "#0b5cad" } }],
      },
      [series.x, series.y],
      box.current,
    );
    return () => plot.destroy();
  }, [series]);
  return html`<figure class="chart">
    <div ref=${box} role="img" aria-label=${label}></div>
    <figcaption>${label}</figcaption>
  </figure>`;
}
