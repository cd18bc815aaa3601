// Okabe and Ito's palette, told apart with the common kinds of colour blindness; the yellow is last, since it
// is hard to see on white. Charts also tell series apart by line style and markers where it matters.
export const SERIES_COLOURS = [
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // bluish green
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#D55E00", // vermillion
  "#000000", // black
  "#F0E442", // yellow
];

// A single-hue sequential scale (ColorBrewer Blues) for heatmaps: more is darker, readable without hue.
export const SEQUENTIAL = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"];

export const UP = "#0072B2"; // a rise: blue, with an up arrow and a plus sign
export const DOWN = "#D55E00"; // a fall: vermillion, with a down arrow and a minus sign
export const BAND = "rgba(0, 114, 178, 0.18)";
export const ANOMALY = "#D55E00";
export const TARGET = "#000000";
