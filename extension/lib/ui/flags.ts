/**
 * Country flags, bundled with the extension (flag-icons 7.5.0, MIT: the 4:3
 * SVGs of every two-letter code), so nothing is fetched from anywhere else.
 * Each flag is its own file in the build, loaded only when a row shows it.
 * A flag is decoration beside the country's name (alt=""), never its label.
 *
 *   const img = flagImage("de");   // <img alt="" class="flag">, its src filled in once resolved
 */
import { h } from "./dom";

// Two-letter names only: the countries (and eu, un), not subdivisions (gb-eng) or groupings (arab).
const FLAGS = import.meta.glob<string>("/node_modules/flag-icons/flags/4x3/??.svg", { query: "?url", import: "default" });

/** The bundled flag's URL for an ISO 3166-1 alpha-2 code, or undefined when none ships. */
export async function flagUrl(country: string): Promise<string | undefined> {
  const load = FLAGS[`/node_modules/flag-icons/flags/4x3/${country.toLowerCase()}.svg`];
  return load ? await load() : undefined;
}

/** A decorative flag image; hidden until (and unless) its flag is found. */
export function flagImage(country: string, img: HTMLImageElement = h("img", { className: "flag", alt: "" })): HTMLImageElement {
  img.hidden = true;
  img.dataset.country = country.toUpperCase();
  void flagUrl(country).then((url) => {
    // Another country may have been asked for meanwhile (the chosen location changed).
    if (!url || img.dataset.country !== country.toUpperCase()) return;
    img.src = url;
    img.hidden = false;
  });
  return img;
}
