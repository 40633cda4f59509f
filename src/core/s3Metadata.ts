/** S3 object metadata the sync reads (SPEC.md §5): the RunPod job id of a model file. Pure. */

/** The RunPod job id an object's metadata names (`runpod-job-id` or `runpod_job_id`, any case). */
export function metadataJobId(metadata: Record<string, string> | undefined): string | undefined {
  if (!metadata) return undefined;
  for (const [k, v] of Object.entries(metadata)) {
    const key = k.toLowerCase().replace(/^x-amz-meta-/, '');
    if ((key === 'runpod-job-id' || key === 'runpod_job_id') && typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}
