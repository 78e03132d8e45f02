import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import { tempDir } from '../helpers.ts';
import { screenshot, serveDemo, settled, signInAs, type Served } from './browser.ts';

const N = '/n/geneva-2025';

describe('the Export and Import menus of the text and compare views', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
  });

  test('a mediator downloads the text as Word and the comparison as tracked changes', async () => {
    const { page } = await signInAs(served, 'mediator@demo.parley', { path: `${N}/text` });
    await settled(page);
    await page.getByText('Export', { exact: true }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Word (.docx)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^geneva-2025-.*\.en\.docx$/);
    const file = join(tempDir(), 'text.docx');
    await download.saveAs(file);
    assert.ok(unzipSync(readFileSync(file))['word/document.xml'], 'the download is a Word document');

    await page.goto(`${N}/compare?version=v-geneva-19&base=v-table-28`);
    await settled(page);
    await page.getByText('Export', { exact: true }).click();
    const [compared] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /tracked changes/ }).click(),
    ]);
    const comparedFile = join(tempDir(), 'compare.docx');
    await compared.saveAs(comparedFile);
    const xml = new TextDecoder().decode(unzipSync(readFileSync(comparedFile))['word/document.xml']);
    assert.match(xml, /<w:ins [^>]*w:author=/);
  });

  test('a delegate imports a numbered file: the preview says what it holds, then it is saved as a new version', async () => {
    const { page } = await signInAs(served, 'ua@demo.parley', { path: `${N}/text` });
    await settled(page);
    const file = join(tempDir(), 'counter.md');
    writeFileSync(
      file,
      '# Ukrainian counter-text\n\nA preamble.\n\n## 1. Sovereignty\n\nConfirmed.\n\n## 2. Army\n\nThe army numbers [800,000] / [no cap].\n',
    );
    await page.getByText('Import', { exact: true }).click();
    await page.getByLabel('A numbered text (Word, Markdown or plain text)').setInputFiles(file);
    const preview = page.getByRole('region', { name: 'What the file holds' });
    await preview.getByRole('heading', { name: 'Ukrainian counter-text: 2 points recognised' }).waitFor();
    await preview.getByText('1 bracket').waitFor();
    await page
      .getByRole('list', { name: 'Notes on the file' })
      .getByText(/A preamble/)
      .waitFor();
    await screenshot(page, 'import-preview');
    await preview.getByLabel('Label of the new version').fill('Counter-text from a file');
    await preview.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByRole('heading', { name: 'Counter-text from a file', exact: true }).waitFor();
    await page.getByRole('heading', { name: '2. Army' }).waitFor();
  });
});
