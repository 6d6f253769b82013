/** Vite's `?raw` imports: the file's text (used to read the recorded MLflow trace fixture). */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
