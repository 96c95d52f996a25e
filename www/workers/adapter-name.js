// The name of the WebGPU adapter the GPU engine runs on, for the image worker and the benchmark page.

/** wgpu names a WebGPU adapter by its description, which browsers leave empty: add what they tell. */
export async function adapterName(fromWgpu) {
  try {
    const info = (await navigator.gpu.requestAdapter())?.info;
    const told = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ');
    return told ? `${told} (${fromWgpu.replace(/^unnamed adapter /, '').replace(/[()]/g, '')})` : fromWgpu;
  } catch {
    return fromWgpu;
  }
}
