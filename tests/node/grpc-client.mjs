#!/usr/bin/env node
// Sends Fashion-MNIST test images to a Gearbox gateway over KServe v2 gRPC and prints the labels.
//
//   node tests/node/grpc-client.mjs [--address 127.0.0.1:8081] [--model fashion] [--start 0] [--count 8]
//                                   [--data $GEARBOX_DATA/fashion-mnist.bin] [--typed] [--json]
//
// Images come from Gearbox's dataset file (./gearbox setup writes it): the test split, images
// start..start+count-1, sent as one UINT8 request in raw_input_contents (--typed: contents.uint_contents).
// Prints one line per image ("index label (true label)"), or with --json one line {"labels":[...]}.
// Needs the npm devDependencies @grpc/grpc-js and @grpc/proto-loader (npm ci).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const SIDE = 28;

function parseArgs(argv) {
  const options = {
    address: '127.0.0.1:8081',
    model: 'fashion',
    start: 0,
    count: 8,
    data: join(process.env.GEARBOX_DATA ?? join(root, '.data'), 'fashion-mnist.bin'),
    typed: false,
    json: false,
    deadlineMs: 30000,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--address': options.address = value(); break;
      case '--model': options.model = value(); break;
      case '--start': options.start = Number.parseInt(value(), 10); break;
      case '--count': options.count = Number.parseInt(value(), 10); break;
      case '--data': options.data = value(); break;
      case '--deadline-ms': options.deadlineMs = Number.parseInt(value(), 10); break;
      case '--typed': options.typed = true; break;
      case '--json': options.json = true; break;
      case '--help': case '-h':
        console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 10).join('\n'));
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${flag} (try --help)`);
    }
  }
  if (!(options.count >= 1 && options.count <= 256)) throw new Error('--count must be 1..256');
  if (!(options.start >= 0)) throw new Error('--start must be 0 or more');
  return options;
}

// The Gearbox dataset file: "GBFMNIST", int32 version, three int32 split counts (train, validation,
// test), then per split its labels (one byte each) and its 28x28 UINT8 pixels; a SHA-256 closes it.
function readTestImages(path, start, count) {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 8).toString('ascii') !== 'GBFMNIST') throw new Error(`${path} is not a Gearbox dataset file`);
  const counts = [bytes.readInt32LE(12), bytes.readInt32LE(16), bytes.readInt32LE(20)];
  const imageSize = SIDE * SIDE;
  let offset = 24 + counts[0] * (1 + imageSize) + counts[1] * (1 + imageSize);
  const test = counts[2];
  if (start + count > test) throw new Error(`the test split has ${test} images; asked for ${start}..${start + count - 1}`);
  const labels = bytes.subarray(offset + start, offset + start + count);
  offset += test;
  const pixels = bytes.subarray(offset + start * imageSize, offset + (start + count) * imageSize);
  return { labels: [...labels], pixels: Buffer.from(pixels) };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const definition = protoLoader.loadSync(join(root, 'Gateway', 'Grpc', 'Protos', 'grpc_predict_v2.proto'), {
    keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
  });
  const { inference } = grpc.loadPackageDefinition(definition);
  const client = new inference.GRPCInferenceService(options.address, grpc.credentials.createInsecure());
  const { labels: truth, pixels } = readTestImages(options.data, options.start, options.count);

  const input = { name: 'image', datatype: 'UINT8', shape: [options.count, SIDE, SIDE] };
  const request = { model_name: options.model, id: `node-${options.start}`, inputs: [input], parameters: { slo_ms: { int64_param: 60000 } } };
  if (options.typed) input.contents = { uint_contents: [...pixels] };
  else request.raw_input_contents = [pixels];

  const deadline = new Date(Date.now() + options.deadlineMs);
  const response = await new Promise((resolvePromise, reject) =>
    client.ModelInfer(request, { deadline }, (error, answer) => (error ? reject(error) : resolvePromise(answer))));
  client.close();

  const index = response.outputs.findIndex((o) => o.name === 'label');
  if (index < 0) throw new Error('the answer has no label output');
  let labels;
  if (response.raw_output_contents.length > 0) {
    const raw = response.raw_output_contents[index];
    labels = Array.from({ length: raw.length / 8 }, (_, i) => Number(raw.readBigInt64LE(i * 8)));
  } else {
    labels = response.outputs[index].contents.int64_contents.map(Number);
  }

  if (options.json) {
    console.log(JSON.stringify({ model: response.model_name, labels, truth }));
  } else {
    labels.forEach((label, i) =>
      console.log(`${options.start + i}\t${label} ${CLASSES[label] ?? '?'}\t(true ${truth[i]} ${CLASSES[truth[i]]})`));
  }
}

main().catch((error) => {
  // gRPC errors read "<code> <STATUS>: <details>", e.g. "5 NOT_FOUND: Model not found: ...".
  console.error(`grpc-client: ${error.message}`);
  process.exit(1);
});
