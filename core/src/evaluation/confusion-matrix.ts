// Confusion matrices: how often a model predicts each class for each true class (rows: true, columns: predicted),
// and the same cross-tabulation between two models' predictions (where they agree, and where they do not).

/**
 * `matrix[row][column]`: the samples whose `rows` value is `row` and whose `columns` value is `column`. Samples where
 * either side is negative (an unlabelled sample's label) are left out.
 */
export function crossTabulate(rows: ArrayLike<number>, columns: ArrayLike<number>, classes: number): number[][] {
  if (rows.length !== columns.length) throw new Error(`cannot cross-tabulate ${rows.length} values against ${columns.length}`);
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const column = columns[i];
    if (row < 0 || column < 0) continue;
    if (row >= classes || column >= classes) throw new Error(`class ${Math.max(row, column)} is outside 0…${classes - 1}`);
    matrix[row][column]++;
  }
  return matrix;
}
