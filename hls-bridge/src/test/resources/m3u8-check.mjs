// Parses the playlists given as a JSON array of strings on stdin with the m3u8-parser npm package (video.js's
// parser, independent of ours) and prints, per playlist, the manifest it read and every warning it raised.
import { Parser } from 'm3u8-parser';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map((text) => {
    const parser = new Parser();
    const warnings = [];
    parser.on('warn', (w) => warnings.push(w.message));
    parser.on('info', () => {});
    parser.push(text);
    parser.end();
    return { manifest: parser.manifest, warnings };
  });
  process.stdout.write(JSON.stringify(out));
});
